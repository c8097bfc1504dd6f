using System.Globalization;
using System.Text.Json;
using Platform.Ingest.Records;
using Platform.Templates.Checks;

namespace Platform.Api.Invoices;

/// <summary>A lookup's fields as sent (JSON properties, CSV cells or GraphQL arguments), before they are checked.</summary>
public sealed record InvoiceInput(string? Code, string? Number, string? IssueDate, string? AmountExcludingTax, string? CheckCodeLast6)
{
    /// <summary>The field names, as the request, the batch header and the problem details spell them.</summary>
    public static readonly string[] Fields = ["code", "number", "issueDate", "amountExcludingTax", "checkCodeLast6"];

    /// <summary>From a JSON object (names in any case); a number is taken as its text, anything else as text that will not parse.</summary>
    public static InvoiceInput From(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new InvoiceInput(null, null, null, null, null);
        }
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in json.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }
        return From(name => values.GetValueOrDefault(name));
    }

    /// <summary>From a look-up of each field by its name (null or empty: not given).</summary>
    public static InvoiceInput From(Func<string, string?> field) =>
        new(field("code"), field("number"), field("issueDate"), field("amountExcludingTax"), field("checkCodeLast6"));
}

/// <summary>
/// A checked lookup, parsed once at the edge: a legacy invoice's code (10 or 12 digits) and number (8 digits), or a
/// fully digital invoice's 20-digit number without a code; the issue date (yyyy-MM-dd, not after today); and the amount
/// excluding tax (two decimals at most) or the last six digits of the check code, or both.
/// </summary>
public sealed record InvoiceQuery(string? Code, string Number, DateOnly IssueDate, decimal? AmountExcludingTax, string? CheckCodeLast6)
{
    /// <summary>The invoice's record key in the bureau's data set, also what the daily limit and the audit name.</summary>
    public string Key => IngestRecords.InvoiceKey(Code, Number);

    /// <summary>The query, or null with what to fix by field name.</summary>
    public static InvoiceQuery? Parse(InvoiceInput input, DateOnly today, out Dictionary<string, string[]> problems)
    {
        problems = [];
        var code = Given(input.Code);
        var number = Given(input.Number);
        if (code is not null && !InvoiceNumbers.IsInvoiceCode(code))
        {
            problems["code"] = ["Give the invoice code as 10 or 12 digits, or leave it out for a fully digital invoice (20-digit number)."];
        }
        if (number is null)
        {
            problems["number"] = ["Give the invoice number: 8 digits with a code, or the 20 digits of a fully digital invoice."];
        }
        else if (code is null ? number.Length != 20 || !InvoiceNumbers.IsInvoiceNumber(number) : number.Length != 8 || !InvoiceNumbers.IsInvoiceNumber(number))
        {
            problems["number"] = [code is null
                ? "A fully digital invoice's number is 20 digits; a legacy invoice's number is 8 digits and needs its code."
                : "A legacy invoice's number is 8 digits."];
        }
        DateOnly issued = default;
        if (Given(input.IssueDate) is not { } date || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out issued))
        {
            problems["issueDate"] = ["Give the issue date as yyyy-MM-dd."];
        }
        else if (issued > today)
        {
            problems["issueDate"] = [$"The issue date {date} is after today ({today:yyyy-MM-dd}); give the date printed on the invoice."];
        }
        decimal? amount = null;
        if (Given(input.AmountExcludingTax) is { } amountText)
        {
            if (!decimal.TryParse(amountText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed) ||
                decimal.Round(parsed, 2) != parsed)
            {
                problems["amountExcludingTax"] = ["Give the amount excluding tax as a number with at most two decimals, such as 1234.50."];
            }
            else
            {
                amount = parsed;
            }
        }
        var check = Given(input.CheckCodeLast6);
        if (check is not null && (check.Length != 6 || !check.All(char.IsAsciiDigit)))
        {
            problems["checkCodeLast6"] = ["Give the last six digits of the check code."];
        }
        if (Given(input.AmountExcludingTax) is null && check is null)
        {
            problems["amountExcludingTax"] =
                ["Give the amount excluding tax (special VAT invoices) or checkCodeLast6, the last six digits of the check code (ordinary invoices)."];
        }
        return problems.Count > 0 ? null : new InvoiceQuery(code, number!, issued, amount, check);
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
