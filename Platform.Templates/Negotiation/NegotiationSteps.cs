namespace Platform.Templates.Negotiation;

public sealed record TemplateProposed(string TemplateId, int Version, string By, DateTimeOffset At);

public sealed record TemplateAgreedByAgency(string TemplateId, int Version, string By, DateTimeOffset At);

public sealed record TemplateAgreedByBureau(string TemplateId, int Version, string By, DateTimeOffset At);

public sealed record TemplateDeclined(string TemplateId, int Version, string Reason, string By, DateTimeOffset At);

public sealed record TemplateActivated(string TemplateId, int Version, string By, DateTimeOffset At);

/// <summary>The bureau puts a drafted version to the agency.</summary>
public sealed record ProposeTemplate(int Version)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now) =>
        Rules.MustExist(template, id)
        ?? Rules.MustBeBureau(actor, "propose a template")
        ?? Rules.VersionIn(template!, Version, "proposed", VersionStatus.Drafted)
        ?? Decision.Of(new TemplateProposed(template!.Id, Version, actor.Id, now));
}

/// <summary>
/// Agreement, in order: first the agency (only the template's own agency) agrees to a proposed version, then the
/// bureau agrees to what the agency accepted.
/// </summary>
public sealed record AgreeToTemplate(int Version)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now)
    {
        if ((Rules.MustExist(template, id) ?? Rules.MustBeOwnAgencyOrBureau(template!, actor)) is { } refused)
        {
            return refused;
        }
        return actor.Side == Side.Agency
            ? Rules.VersionIn(template!, Version, "agreed by the agency", VersionStatus.Proposed)
              ?? Decision.Of(new TemplateAgreedByAgency(template!.Id, Version, actor.Id, now))
            : Rules.VersionIn(template!, Version, "agreed by the bureau", VersionStatus.AgreedByAgency)
              ?? Decision.Of(new TemplateAgreedByBureau(template!.Id, Version, actor.Id, now));
    }
}

/// <summary>Either side declines a proposed or agreed version with a reason; it goes back to draft.</summary>
public sealed record DeclineTemplate(int Version, string Reason)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now)
    {
        if ((Rules.MustExist(template, id) ?? Rules.MustBeOwnAgencyOrBureau(template!, actor)) is { } refused)
        {
            return refused;
        }
        if (string.IsNullOrWhiteSpace(Reason))
        {
            return Decision.Refuse(RefusalKind.Invalid, "Say why the version is declined: a reason is required.");
        }
        return Rules.VersionIn(template!, Version, "declined", VersionStatus.Proposed, VersionStatus.AgreedByAgency, VersionStatus.AgreedByBureau)
               ?? Decision.Of(new TemplateDeclined(template!.Id, Version, Reason, actor.Id, now));
    }
}

/// <summary>
/// The bureau activates a version both sides agreed: from now on it alone accepts submissions, and the version
/// active before it is superseded (still readable, no longer accepting).
/// </summary>
public sealed record ActivateTemplate(int Version)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now) =>
        Rules.MustExist(template, id)
        ?? Rules.MustBeBureau(actor, "activate a template")
        ?? Rules.VersionIn(template!, Version, "activated", VersionStatus.AgreedByBureau)
        ?? Decision.Of(new TemplateActivated(template!.Id, Version, actor.Id, now));
}
