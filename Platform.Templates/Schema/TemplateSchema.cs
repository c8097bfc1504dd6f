using System.Text.RegularExpressions;

namespace Platform.Templates.Schema;

public enum ScheduleKind
{
    /// <summary>Each month's data is due by day N of the next month.</summary>
    Monthly,

    /// <summary>Each quarter's data is due by day N of the month after the quarter.</summary>
    Quarterly,

    /// <summary>Sent when asked; never late.</summary>
    OnDemand,
}

public sealed record Schedule(ScheduleKind Kind, int? Day = null)
{
    public static readonly Schedule OnDemand = new(ScheduleKind.OnDemand);
}

/// <summary>
/// What one version of a template asks of the agency: the fields (a Frictionless Table Schema) plus which field
/// identifies the taxpayer (the subject key), which holds the period, and when the data is due.
/// </summary>
public sealed partial record TemplateSchema
{
    public required IReadOnlyList<TemplateField> Fields { get; init; }
    public IReadOnlyList<string> PrimaryKey { get; init; } = [];
    public IReadOnlyList<string> MissingValues { get; init; } = [""];
    public required string SubjectKey { get; init; }
    public string? PeriodField { get; init; }
    public Schedule Schedule { get; init; } = Schedule.OnDemand;

    public TemplateField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex NamePattern();

    /// <summary>Everything wrong with this schema, each saying what to fix; empty when it can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Fields.Count == 0)
        {
            problems.Add("A template needs at least one field.");
        }
        foreach (var duplicate in Fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"Field name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique.");
        }
        foreach (var field in Fields)
        {
            problems.AddRange(FieldProblems(field));
        }
        if (Field(SubjectKey) is null)
        {
            problems.Add($"The subject key '{SubjectKey}' is not one of the fields; name the field that identifies the taxpayer.");
        }
        if (PeriodField is not null && Field(PeriodField) is { Type: not FieldType.YearMonth })
        {
            problems.Add($"The period field '{PeriodField}' must be of type yearmonth.");
        }
        else if (PeriodField is not null && Field(PeriodField) is null)
        {
            problems.Add($"The period field '{PeriodField}' is not one of the fields.");
        }
        foreach (var key in PrimaryKey.Where(k => Field(k) is null))
        {
            problems.Add($"Primary key field '{key}' is not one of the fields.");
        }
        if (Schedule.Kind != ScheduleKind.OnDemand && Schedule.Day is not (>= 1 and <= 28))
        {
            problems.Add("A monthly or quarterly schedule needs a due day from 1 to 28.");
        }
        return problems;
    }

    private static IEnumerable<string> FieldProblems(TemplateField field)
    {
        if (!NamePattern().IsMatch(field.Name))
        {
            yield return $"Field name '{field.Name}' must be lower-case letters, digits and underscores, starting with a letter.";
        }
        if (string.IsNullOrWhiteSpace(field.Title) || string.IsNullOrWhiteSpace(field.TitleEn))
        {
            yield return $"Field '{field.Name}' needs both a Chinese title and an English title.";
        }
        var expectedType = field.Format switch
        {
            DomainFormat.None => (FieldType?)null,
            DomainFormat.Money => FieldType.Number,
            _ => FieldType.String,
        };
        if (expectedType is { } type && field.Type != type)
        {
            yield return $"Field '{field.Name}': format {TableSchemaJson.FormatName(field.Format)} goes with type {TableSchemaJson.TypeName(type)}.";
        }
        var c = field.Constraints;
        if (c.Pattern is not null && !IsValidRegex(c.Pattern))
        {
            yield return $"Field '{field.Name}': pattern '{c.Pattern}' is not a valid regular expression.";
        }
        if (c.MinLength is < 0 || c.MaxLength is < 0 || c.MinLength > c.MaxLength)
        {
            yield return $"Field '{field.Name}': minLength and maxLength must be non-negative with minLength <= maxLength.";
        }
        foreach (var (name, value) in new[] { ("minimum", c.Minimum), ("maximum", c.Maximum) })
        {
            if (value is not null && !Validation.FieldParsers.CanParse(field.Type, value))
            {
                yield return $"Field '{field.Name}': {name} '{value}' is not a {TableSchemaJson.TypeName(field.Type)}.";
            }
        }
        if (c.Pattern is not null && field.Example is null)
        {
            yield return $"Field '{field.Name}' has a pattern; give an example value that matches it, so clerks see what to write.";
        }
        if (field.Example is not null && !Validation.FieldCheck.IsValid(field, field.Example))
        {
            yield return $"Field '{field.Name}': the example '{field.Example}' does not pass the field's own checks.";
        }
        foreach (var value in c.Enum ?? [])
        {
            if (!Validation.FieldParsers.CanParse(field.Type, value))
            {
                yield return $"Field '{field.Name}': enum value '{value}' is not a {TableSchemaJson.TypeName(field.Type)}.";
            }
        }
    }

    private static bool IsValidRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
