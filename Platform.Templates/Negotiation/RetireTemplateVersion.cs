namespace Platform.Templates.Negotiation;

public sealed record TemplateVersionRetired(string TemplateId, int Version, string Reason, string By, DateTimeOffset At);

/// <summary>The bureau retires an active or superseded version: it accepts nothing more; its past submissions stay readable.</summary>
public sealed record RetireTemplateVersion(int Version, string Reason)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now)
    {
        if ((Rules.MustExist(template, id) ?? Rules.MustBeBureau(actor, "retire a template version")) is { } refused)
        {
            return refused;
        }
        if (string.IsNullOrWhiteSpace(Reason))
        {
            return Decision.Refuse(RefusalKind.Invalid, "Say why the version is retired: a reason is required.");
        }
        return Rules.VersionIn(template!, Version, "retired", VersionStatus.Active, VersionStatus.Superseded)
               ?? Decision.Of(new TemplateVersionRetired(template!.Id, Version, Reason, actor.Id, now));
    }
}
