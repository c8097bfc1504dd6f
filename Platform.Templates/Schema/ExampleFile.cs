using System.Globalization;

namespace Platform.Templates.Schema;

/// <summary>
/// Files an agency can open in Excel: the header alone, or the header with an example row that is valid against the
/// template. UTF-8 with a byte-order mark, which Excel needs to show Chinese text.
/// </summary>
public static class ExampleFile
{
    public static string HeaderCsv(TemplateSchema schema) => CsvText.Line(schema.Fields.Select(f => f.Name));

    public static string ExampleCsv(TemplateSchema schema) =>
        HeaderCsv(schema) + CsvText.Line(schema.Fields.Select(f => ExampleValue(f, schema)));

    public static byte[] Bytes(string csv) => CsvText.Utf8WithBom(csv);

    public static string ExampleValue(TemplateField field, TemplateSchema schema)
    {
        if (field.Example is not null)
        {
            return field.Example;
        }
        if (field.Constraints.Enum is [var first, ..])
        {
            return first;
        }
        return field.Format switch
        {
            DomainFormat.Uscc => "914403001922038216",
            DomainFormat.Division => "410102",
            DomainFormat.CnId => "11010519491231002X",
            DomainFormat.InvoiceCode => "4100191130",
            DomainFormat.InvoiceNumber => "01234567",
            DomainFormat.Money => Bounded(field, 1234.56m),
            _ => field.Type switch
            {
                FieldType.Integer => Bounded(field, 1m),
                FieldType.Number => Bounded(field, 100.5m),
                FieldType.Boolean => "true",
                FieldType.Date => field.Constraints.Minimum ?? "2024-03-31",
                FieldType.Datetime => field.Constraints.Minimum ?? "2024-03-31T09:30:00",
                FieldType.Year => field.Constraints.Minimum ?? "2024",
                FieldType.YearMonth => field.Constraints.Minimum ?? "2024-03",
                _ => TextExample(field),
            },
        };
    }

    private static string Bounded(TemplateField field, decimal preferred)
    {
        var value = preferred;
        if (decimal.TryParse(field.Constraints.Minimum, CultureInfo.InvariantCulture, out var min) && value < min)
        {
            value = min;
        }
        if (decimal.TryParse(field.Constraints.Maximum, CultureInfo.InvariantCulture, out var max) && value > max)
        {
            value = max;
        }
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private static string TextExample(TemplateField field)
    {
        var text = field.Title.Length > 0 ? "示例" + field.Title : "example";
        if (field.Constraints.MaxLength is { } max && text.Length > max)
        {
            text = text[..max];
        }
        while (field.Constraints.MinLength is { } min && text.Length < min)
        {
            text += "0";
        }
        return text;
    }
}
