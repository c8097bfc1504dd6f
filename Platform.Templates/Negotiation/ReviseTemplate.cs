using Platform.Templates.Schema;

namespace Platform.Templates.Negotiation;

/// <summary>A version is revised; its schema as Table Schema JSON (see <see cref="TemplateDrafted"/>).</summary>
public sealed record TemplateRevised(string TemplateId, int Version, string TableSchema, string Comment, string By, DateTimeOffset At);

/// <summary>
/// Either side changes a version still under negotiation, saying why. Any agreement so far is void: the version
/// is a draft again and goes through the steps anew. An active version's fields never change.
/// </summary>
public sealed record ReviseTemplate(int Version, TemplateSchema Schema, string Comment)
{
    public Decision Decide(Template? template, string id, Actor actor, DateTimeOffset now)
    {
        if (Rules.MustExist(template, id) is { } missing)
        {
            return missing;
        }
        if (string.IsNullOrWhiteSpace(Comment))
        {
            return Decision.Refuse(RefusalKind.Invalid, "Say why the template is revised: a comment is required.");
        }
        return Rules.MustBeOwnAgencyOrBureau(template!, actor)
               ?? Rules.VersionIn(template!, Version, "revised", VersionStatus.Drafted, VersionStatus.Proposed, VersionStatus.AgreedByAgency,
                   VersionStatus.AgreedByBureau)
               ?? Rules.SchemaIsUsable(Schema)
               ?? Decision.Of(new TemplateRevised(template!.Id, Version, TableSchemaJson.Write(Schema), Comment, actor.Id, now));
    }
}
