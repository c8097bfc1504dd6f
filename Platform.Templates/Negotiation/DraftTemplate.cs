using System.Text.RegularExpressions;
using Platform.Templates.Schema;

namespace Platform.Templates.Negotiation;

/// <summary>
/// Events carry the schema as Table Schema JSON text (<see cref="TableSchemaJson"/>), the platform's published format,
/// not the live <see cref="TemplateSchema"/> model: renaming a property of the model then cannot break the replay of
/// stored streams. The fold reads it back.
/// </summary>
public sealed record TemplateDrafted(
    string TemplateId, string Agency, string Kind, string Title, string TitleEn, string TableSchema, string By, DateTimeOffset At,
    string? Comment = null);

/// <summary>The bureau drafts a new template for an agency; it starts as version 1, drafted.</summary>
public sealed partial record DraftTemplate(string TemplateId, string Agency, string Kind, string Title, string TitleEn, TemplateSchema Schema,
    string? Comment = null)
{
    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex IdPattern();

    public Decision Decide(Template? existing, Actor actor, DateTimeOffset now)
    {
        if (Rules.MustBeBureau(actor, "draft a template") is { } forbidden)
        {
            return forbidden;
        }
        if (existing is not null)
        {
            return Decision.Refuse(RefusalKind.Conflict, $"Template '{TemplateId}' exists; open a new version of it instead.");
        }
        if (!IdPattern().IsMatch(TemplateId))
        {
            return Decision.Refuse(RefusalKind.Invalid,
                $"Template id '{TemplateId}' must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter.");
        }
        if (string.IsNullOrWhiteSpace(Title) || string.IsNullOrWhiteSpace(TitleEn) || string.IsNullOrWhiteSpace(Kind))
        {
            return Decision.Refuse(RefusalKind.Invalid, "A template needs a kind, a Chinese title and an English title.");
        }
        return Rules.SchemaIsUsable(Schema)
               ?? Decision.Of(new TemplateDrafted(TemplateId, Agency, Kind, Title, TitleEn, TableSchemaJson.Write(Schema), actor.Id, now, Comment));
    }
}
