using Platform.Templates.Schema;

namespace Platform.Templates.Negotiation;

/// <summary>A new version is opened; its schema as Table Schema JSON (see <see cref="TemplateDrafted"/>).</summary>
public sealed record TemplateVersionOpened(string TemplateId, int Version, string TableSchema, string Comment, string By, DateTimeOffset At);

/// <summary>
/// A change to a template after activation: a new version, drafted, that goes through the same steps while the
/// active one keeps accepting submissions. One version is negotiated at a time.
/// </summary>
public sealed record OpenTemplateVersion(TemplateSchema Schema, string Comment)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now)
    {
        if ((Rules.MustExist(template, id) ?? Rules.MustBeBureau(actor, "open a new template version")) is { } refused)
        {
            return refused;
        }
        if (template!.Pending is { } pending)
        {
            return Decision.Refuse(RefusalKind.Conflict,
                $"Version {pending.Version} of '{template.Id}' is still {Rules.Words(pending.Status)}; revise it instead of opening another.");
        }
        if (string.IsNullOrWhiteSpace(Comment))
        {
            return Decision.Refuse(RefusalKind.Invalid, "Say what the new version changes and why: a comment is required.");
        }
        return Rules.SchemaIsUsable(Schema)
               ?? Decision.Of(new TemplateVersionOpened(template.Id, template.Versions.Max(v => v.Version) + 1, TableSchemaJson.Write(Schema), Comment,
                   actor.Id, now));
    }
}
