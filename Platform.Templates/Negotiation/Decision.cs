namespace Platform.Templates.Negotiation;

/// <summary>Which side of the table a user sits on: the tax bureau (analysts, administrators) or a partner agency.</summary>
public enum Side
{
    Bureau,
    Agency,
}

/// <summary>Who takes a negotiation step: the client id, its side, and for an agency, which agency.</summary>
public sealed record Actor(string Id, Side Side, string? Agency = null);

public enum RefusalKind
{
    /// <summary>The template or version does not exist.</summary>
    NotFound,

    /// <summary>This actor may not take this step (wrong side, or another agency's template).</summary>
    Forbidden,

    /// <summary>The step does not fit the version's status (such as agreeing to a draft).</summary>
    Conflict,

    /// <summary>What was sent is wrong (such as a schema with problems).</summary>
    Invalid,
}

/// <summary>A step that is not taken, with a message that says why and what would be allowed.</summary>
public sealed record Refusal(RefusalKind Kind, string Message);

/// <summary>The outcome of a pure decision: the events to append, or why nothing happens.</summary>
public sealed record Decision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public static Decision Of(params object[] events) => new(events, null);

    public static Decision Refuse(RefusalKind kind, string message) => new([], new Refusal(kind, message));

    public bool Refused => Refusal is not null;
}

internal static class Rules
{
    public static Decision? MustExist(Template? template, string id) =>
        template is null ? Decision.Refuse(RefusalKind.NotFound, $"There is no template '{id}' that you may see.") : null;

    public static Decision? MustBeBureau(Actor actor, string step) => actor.Side == Side.Bureau
        ? null
        : Decision.Refuse(RefusalKind.Forbidden, $"Only the tax bureau may {step}.");

    public static Decision? MustBeOwnAgencyOrBureau(Template template, Actor actor) =>
        actor.Side == Side.Bureau || actor.Agency == template.Agency
            ? null
            : Decision.Refuse(RefusalKind.Forbidden, $"Template '{template.Id}' belongs to agency '{template.Agency}'; another agency may not negotiate it.");

    public static Decision? VersionIn(Template template, int version, string step, params VersionStatus[] allowed)
    {
        var found = template.Version(version);
        if (found is null)
        {
            return Decision.Refuse(RefusalKind.NotFound, $"Template '{template.Id}' has no version {version}.");
        }
        return allowed.Contains(found.Status)
            ? null
            : Decision.Refuse(RefusalKind.Conflict,
                $"Version {version} of '{template.Id}' is {Words(found.Status)}; it can be {step} only when it is {string.Join(" or ", allowed.Select(Words))}.");
    }

    public static Decision? SchemaIsUsable(Schema.TemplateSchema schema) =>
        schema.Problems() is { Count: > 0 } problems ? Decision.Refuse(RefusalKind.Invalid, string.Join(" ", problems)) : null;

    public static string Words(VersionStatus status) => status switch
    {
        VersionStatus.AgreedByAgency => "agreed by the agency",
        VersionStatus.AgreedByBureau => "agreed by the bureau",
        _ => status.ToString().ToLowerInvariant(),
    };
}
