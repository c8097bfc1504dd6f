using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Api.Templates;

/// <summary>A field as a clerk reads it in the template's summary; the full definition is the Table Schema download.</summary>
public sealed record FieldView(string Name, string Title, string TitleEn, string Type, string? Format, bool Required, string? Description);

public sealed record TemplateVersionView(
    int Version,
    VersionStatus Status,
    bool AcceptsSubmissions,
    string SubjectKey,
    string? PeriodField,
    Schedule Schedule,
    IReadOnlyList<FieldView> Fields,
    IReadOnlyList<NegotiationStep> History);

public sealed record TemplateView(string Id, string Kind, string Agency, string Title, string TitleEn, IReadOnlyList<TemplateVersionView> Versions)
{
    public static TemplateView From(Template template) => new(template.Id, template.Kind, template.Agency, template.Title, template.TitleEn,
        [.. template.Versions.Select(v => new TemplateVersionView(v.Version, v.Status, v.AcceptsSubmissions, v.Schema.SubjectKey,
            v.Schema.PeriodField, v.Schema.Schedule,
            [.. v.Schema.Fields.Select(f => new FieldView(f.Name, f.Title, f.TitleEn, TableSchemaJson.TypeName(f.Type),
                f.Format == DomainFormat.None ? null : TableSchemaJson.FormatName(f.Format), f.Constraints.Required, f.Description))],
            v.History))]);
}
