using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using Platform.Ingest.Records;
using Platform.Templates.Checks;

namespace Platform.Api.Invoices;

/// <summary>A lookup's fields as sent (JSON properties, CSV cells or GraphQL arguments), before they are checked.</summary>
public sealed partial record InvoiceInput(string? Code, string? Number, string? IssueDate, string? AmountExcludingTax, string? CheckCodeLast6)
{
    /// <summary>The row of a CSV batch the lookup came from, as Excel numbers it (the header is 1); null otherwise.</summary>
    public int? Row { get; init; }

    /// <summary>The field names, as the request, the batch header and the problem details spell them.</summary>
    public static readonly string[] Fields = ["code", "number", "issueDate", "amountExcludingTax", "checkCodeLast6"];

    /// <summary>Each field's heading on the national verification platform's form (查验), as answers name fields to a clerk.</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>
    {
        ["code"] = "发票代码", ["number"] = "发票号码", ["issueDate"] = "开票日期", ["amountExcludingTax"] = "不含税金额", ["checkCodeLast6"] = "校验码后六位",
    };

    /// <summary>The headings a clerk's sheet carries, by field: the form's, and the shorter ones sheets also use.</summary>
    public static readonly IReadOnlyDictionary<string, string> Headings = new Dictionary<string, string>(Labels.Select(l => KeyValuePair.Create(l.Value, l.Key)))
    {
        ["金额"] = "amountExcludingTax", ["校验码后6位"] = "checkCodeLast6", ["校验码"] = "checkCodeLast6",
    };

    /// <summary>The Chinese heading of a field (<see cref="Labels"/>), else the field's name.</summary>
    public static string HeadingOf(string field) => Labels.GetValueOrDefault(field, field);

    /// <summary>
    /// The field a batch's column heading names (a field name in any case, or a heading of <see cref="Headings"/>), else
    /// null; a heading's unit or mark, as sheets write them (<c>不含税金额（元）</c>, <c>*发票号码</c>), and spaces are left aside.
    /// </summary>
    public static string? FieldOf(string heading)
    {
        var bare = UnitOrMark().Replace(heading.Normalize(NormalizationForm.FormKC), "");
        return Fields.FirstOrDefault(f => string.Equals(f, bare, StringComparison.OrdinalIgnoreCase)) ?? Headings.GetValueOrDefault(bare);
    }

    [GeneratedRegex(@"\s+|\*|\([^)]*\)$")]
    private static partial Regex UnitOrMark();

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
/// fully digital invoice's 20-digit number without a code; the issue date (not after today); and the amount excluding
/// tax (two decimals at most) or the last six digits of the check code, or both. What a clerk's keyboard or Excel does to
/// these is undone where it is unambiguous (clerk review, 2026-12-02): full-width characters (NFKC), spaces and dashes
/// inside a code or number, the leading zeros Excel drops from a 12-digit code, an 8-digit number and a check code,
/// dates as yyyy/M/d, yyyy-M-d, yyyyMMdd or yyyy年M月d日, thousands separators and a currency sign in the amount, and a
/// whole check code (its last six digits are taken). Anything else is refused with what was received and what to send.
/// </summary>
public sealed partial record InvoiceQuery(string? Code, string Number, DateOnly IssueDate, decimal? AmountExcludingTax, string? CheckCodeLast6)
{
    /// <summary>The invoice's record key in the bureau's data set, also what the daily limit and the audit name.</summary>
    public string Key => IngestRecords.InvoiceKey(Code, Number);

    private static readonly string[] DateForms = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日"];

    /// <summary>The query, or null with what to fix by field name.</summary>
    public static InvoiceQuery? Parse(InvoiceInput input, DateOnly today, out Dictionary<string, string[]> problems)
    {
        problems = [];
        var code = Digits(Given(input.Code));
        var number = Digits(Given(input.Number));
        if (code is { Length: 11 } && AllDigits(code))
        {
            code = "0" + code; // a 12-digit code starting with 0, as Excel shows it
        }
        if (code is not null && number is { Length: < 8 } && AllDigits(number))
        {
            number = number.PadLeft(8, '0'); // a legacy number whose leading zeros Excel dropped
        }
        if (code is not null && !InvoiceNumbers.IsInvoiceCode(code))
        {
            problems["code"] = Say($"发票代码应为 10 位或 12 位数字（收到 {Received(code)}）；全电发票（20 位号码）不填代码。",
                $"Give the invoice code as 10 or 12 digits (received {Received(code)}), or leave it out for a fully digital invoice (20-digit number).");
        }
        if (number is null)
        {
            problems["number"] = Say("请填写发票号码：有代码的发票为 8 位，全电发票为 20 位。",
                "Give the invoice number: 8 digits with a code, or the 20 digits of a fully digital invoice.");
        }
        else if (Scientific(number))
        {
            problems["number"] = Say($"{number} 是 Excel 显示长数字的科学计数法，后几位已丢失：请把该列设为“文本”格式后重新输入 20 位号码。",
                $"{number} is a number as Excel shows a long one, with its last digits lost: format the column as Text and type the 20 digits again.");
        }
        else if (!InvoiceNumbers.IsInvoiceNumber(number))
        {
            problems["number"] = code is null
                ? Say($"全电发票号码为 20 位数字（收到 {Received(number)}）；8 位号码的发票须同时填写发票代码。",
                    $"A fully digital invoice's number is 20 digits (received {Received(number)}); a legacy invoice's number is 8 digits and needs its code.")
                : Say($"发票号码应为 8 位数字（收到 {Received(number)}）。", $"A legacy invoice's number is 8 digits (received {Received(number)}).");
        }
        else if (code is null && number.Length == 8)
        {
            problems["code"] = Say("8 位号码的发票须同时填写发票代码（10 位或 12 位，印在号码旁）。",
                "An 8-digit number is a legacy invoice's: give its code too (10 or 12 digits, printed beside the number).");
        }
        else if (code is not null && number.Length == 20 && !problems.ContainsKey("code"))
        {
            problems["code"] = Say("20 位号码是全电发票，没有发票代码：请不填代码。", "A 20-digit number is a fully digital invoice's, which has no code: leave the code empty.");
        }
        DateOnly issued = default;
        if (Given(input.IssueDate) is not { } date)
        {
            problems["issueDate"] = Say("请填写开票日期，格式 yyyy-MM-dd。", "Give the issue date as yyyy-MM-dd.");
        }
        else if (!DateOnly.TryParseExact(date, DateForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out issued))
        {
            problems["issueDate"] = ShapedLikeDate().IsMatch(date)
                ? Say($"{date} 不是日历上的日期：请按发票上的开票日期填写（yyyy-MM-dd）。", $"{date} is not a day of the calendar; give the date printed on the invoice as yyyy-MM-dd.")
                : Say($"开票日期格式应为 yyyy-MM-dd（收到 {Received(date)}）。", $"Give the issue date as yyyy-MM-dd (received {Received(date)}).");
        }
        else if (issued > today)
        {
            problems["issueDate"] = Say($"开票日期 {date} 晚于今天（{today:yyyy-MM-dd}）：请按发票上的日期填写。",
                $"The issue date {date} is after today ({today:yyyy-MM-dd}); give the date printed on the invoice.");
        }
        decimal? amount = null;
        if (Given(input.AmountExcludingTax) is { } amountText)
        {
            var figure = amountText.TrimStart('¥').TrimEnd('元').Trim();
            if (!decimal.TryParse(figure, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands,
                    CultureInfo.InvariantCulture, out var parsed) || decimal.Round(parsed, 2) != parsed)
            {
                problems["amountExcludingTax"] = Say($"不含税金额应为最多两位小数的数字，如 1234.50（收到 {Received(amountText)}）。",
                    $"Give the amount excluding tax as a number with at most two decimals, such as 1234.50 (received {Received(amountText)}).");
            }
            else
            {
                amount = parsed;
            }
        }
        var check = Digits(Given(input.CheckCodeLast6));
        if (check is not null && AllDigits(check))
        {
            check = check.Length > 6 ? check[^6..] : check.PadLeft(6, '0'); // a whole check code, or one whose leading zeros Excel dropped
        }
        if (check is not null && (check.Length != 6 || !AllDigits(check)))
        {
            problems["checkCodeLast6"] = Say($"请填写校验码后六位数字（收到 {Received(check)}）。", $"Give the last six digits of the check code (received {Received(check)}).");
        }
        if (Given(input.AmountExcludingTax) is null && check is null)
        {
            problems["amountExcludingTax"] = Say("请填写不含税金额（增值税专用发票）或校验码后六位（普通发票）。",
                "Give the amount excluding tax (special VAT invoices) or checkCodeLast6, the last six digits of the check code (ordinary invoices).");
        }
        return problems.Count > 0 ? null : new InvoiceQuery(code, number!, issued, amount, check);
    }

    /// <summary>A problem in the clerks' language first, then in English, as the platform's other messages are.</summary>
    internal static string[] Say(string zh, string en) => [zh, en];

    /// <summary>The text, trimmed and with full-width characters as their plain forms (NFKC); null when empty.</summary>
    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Normalize(NormalizationForm.FormKC).Trim();

    /// <summary>A code or number without the spaces and dashes a clerk types to group its digits.</summary>
    private static string? Digits(string? text) => text?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    private static bool AllDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static bool Scientific(string text) => text.Contains('E', StringComparison.OrdinalIgnoreCase) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex(@"^(\d{4}([-/.])\d{1,2}\2\d{1,2}|\d{8}|\d{4}年\d{1,2}月\d{1,2}日)$")]
    private static partial Regex ShapedLikeDate();

    private static string Received(string text) => text.Length > 40 ? $"'{text[..40]}…'" : $"'{text}', {text.Length} characters";
}
