namespace Platform.Templates.Schema;

/// <summary>One field's differences between two versions, each a sentence an agency can act on.</summary>
public sealed record FieldChange(string Field, IReadOnlyList<string> Changes);

/// <summary>What a new version asks of the agency compared with an older one: fields added, removed and changed.</summary>
public sealed record TemplateDiff(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<FieldChange> Changed,
    IReadOnlyList<string> TemplateChanges)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0 && TemplateChanges.Count == 0;

    public static TemplateDiff Between(TemplateSchema from, TemplateSchema to)
    {
        var added = to.Fields.Where(f => from.Field(f.Name) is null).Select(f => f.Name).ToList();
        var removed = from.Fields.Where(f => to.Field(f.Name) is null).Select(f => f.Name).ToList();
        var changed = from.Fields
            .Where(f => to.Field(f.Name) is not null)
            .Select(f => new FieldChange(f.Name, FieldChanges(f, to.Field(f.Name)!)))
            .Where(c => c.Changes.Count > 0)
            .ToList();
        var template = new List<string>();
        Compare(template, "subject key", from.SubjectKey, to.SubjectKey);
        Compare(template, "period field", from.PeriodField, to.PeriodField);
        Compare(template, "primary key", string.Join(", ", from.PrimaryKey), string.Join(", ", to.PrimaryKey));
        Compare(template, "missing values", string.Join(", ", from.MissingValues.Select(v => $"'{v}'")), string.Join(", ", to.MissingValues.Select(v => $"'{v}'")));
        Compare(template, "schedule", Describe(from.Schedule), Describe(to.Schedule));
        return new TemplateDiff(added, removed, changed, template);
    }

    private static List<string> FieldChanges(TemplateField a, TemplateField b)
    {
        var changes = new List<string>();
        Compare(changes, "title", a.Title, b.Title);
        Compare(changes, "English title", a.TitleEn, b.TitleEn);
        Compare(changes, "description", a.Description, b.Description);
        Compare(changes, "type", TableSchemaJson.TypeName(a.Type), TableSchemaJson.TypeName(b.Type));
        Compare(changes, "format", TableSchemaJson.FormatName(a.Format), TableSchemaJson.FormatName(b.Format));
        Compare(changes, "USCC check", a.UsccCheck.ToString(), b.UsccCheck.ToString());
        var (x, y) = (a.Constraints, b.Constraints);
        Compare(changes, "required", x.Required.ToString(), y.Required.ToString());
        Compare(changes, "unique", x.Unique.ToString(), y.Unique.ToString());
        Compare(changes, "minimum", x.Minimum, y.Minimum);
        Compare(changes, "maximum", x.Maximum, y.Maximum);
        Compare(changes, "minLength", x.MinLength?.ToString(System.Globalization.CultureInfo.InvariantCulture), y.MinLength?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Compare(changes, "maxLength", x.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture), y.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Compare(changes, "pattern", x.Pattern, y.Pattern);
        Compare(changes, "enum", x.Enum is null ? null : string.Join(", ", x.Enum), y.Enum is null ? null : string.Join(", ", y.Enum));
        return changes;
    }

    private static void Compare(List<string> changes, string what, string? from, string? to)
    {
        if (from != to)
        {
            changes.Add($"{what}: {from ?? "(none)"} → {to ?? "(none)"}");
        }
    }

    private static string Describe(Schedule schedule) => schedule.Kind switch
    {
        ScheduleKind.Monthly => $"monthly by day {schedule.Day}",
        ScheduleKind.Quarterly => $"quarterly by day {schedule.Day}",
        _ => "on demand",
    };
}
