using System.Globalization;
using System.Text;

namespace Platform.Templates.Schema;

/// <summary>CSV as the platform writes it for clerks: RFC 4180, UTF-8 with a byte-order mark (Excel needs it for Chinese).</summary>
public static class CsvText
{
    public static string Line(IEnumerable<string?> cells) => string.Join(",", cells.Select(c => Cell(c ?? ""))) + "\r\n";

    public static byte[] Utf8WithBom(string csv) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)];

    /// <summary>
    /// One cell, quoted when needed. A cell that Excel would run as a formula (starting =, +, -, @ and not a plain
    /// number, or a tab or carriage return, which spreadsheet programs skip before a formula: OWASP's list) is prefixed
    /// with an apostrophe, so a value an agency or a claimant wrote cannot execute on a clerk's machine.
    /// </summary>
    public static string Cell(string cell)
    {
        if (cell.Length > 0 && (cell[0] is '\t' or '\r' || cell[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(cell, CultureInfo.InvariantCulture, out _)))
        {
            cell = "'" + cell;
        }
        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
