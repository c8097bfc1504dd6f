using System.Globalization;
using System.Text;
using Platform.Ingest.Processing;
using Platform.Templates.Validation;

namespace Platform.Ingest.Reading;

/// <summary>A file read as a header and rows, whatever its format.</summary>
public interface IRowReader : IDisposable
{
    IReadOnlyList<string> Header { get; }

    /// <summary>The encoding the text was read in, for the receipt ("UTF-8", "GB18030", "xlsx").</summary>
    string Encoding { get; }

    bool Read();

    IRowSource Row { get; }
}

/// <summary>A problem that makes the whole file unreadable; the message says what to fix, in Chinese and English.</summary>
public sealed class FileProblemException(string message, string messageEn) : Exception(messageEn)
{
    public string MessageZh { get; } = message;
}

public static class RowReaders
{
    public const string Csv = "text/csv";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string JsonLines = "application/x-ndjson";

    /// <summary>
    /// Registers the code pages every reader may need: GB18030, and 1252, which ExcelDataReader asks for as it opens a
    /// workbook. A static constructor runs before any member of this class is used, so before any reader opens.
    /// </summary>
    static RowReaders()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gb18030 = System.Text.Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>GB18030 that refuses byte sequences it cannot decode instead of inventing characters.</summary>
    public static Encoding Gb18030 { get; }

    /// <summary>
    /// Picks the reader for the media type; text is UTF-8 when every byte of it decoded as UTF-8, else GB18030. Blank
    /// rows at the end of the file are left out (Excel and many exports write them).
    /// </summary>
    public static IRowReader Open(string path, string mediaType, bool isUtf8, IngestOptions options) => new FileInfo(path).Length == 0
        ? throw new FileProblemException("文件为空：第一行应为表头。", "The file is empty: its first line should be the header.")
        : new TrailingBlankRowsDropped(mediaType switch
    {
        Xlsx => new XlsxRowReader(path, options),
        JsonLines => new JsonLinesRowReader(path, isUtf8 ? System.Text.Encoding.UTF8 : Gb18030, options),
        _ => new CsvRowReader(path, isUtf8 ? System.Text.Encoding.UTF8 : Gb18030, options),
    });

    /// <summary>The media type of an upload: as declared, or from its first bytes (an .xlsx is a zip) or its name.</summary>
    public static string Sniff(string? declared, string fileName, ReadOnlySpan<byte> firstBytes)
    {
        var type = declared?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is Xlsx || firstBytes.StartsWith("PK\u0003\u0004"u8))
        {
            return Xlsx;
        }
        if (type is JsonLines or "application/jsonl" or "application/jsonlines" ||
            fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase))
        {
            return JsonLines;
        }
        return Csv;
    }

    /// <summary>A header or row wider than <see cref="IngestOptions.MaxColumns"/>; <paramref name="unit"/> is "Row" or "Line".</summary>
    internal static FileProblemException TooManyColumns(string unit, int number, int columns, int limit) => number == 1
        ? new FileProblemException(
            string.Create(CultureInfo.InvariantCulture, $"表头有 {columns:N0} 列，超过 {limit:N0} 列的上限；请只保留模板中的列。"),
            string.Create(CultureInfo.InvariantCulture, $"The header has {columns:N0} columns, more than the limit of {limit:N0}; keep only the template's columns."))
        : new FileProblemException(
            string.Create(CultureInfo.InvariantCulture, $"第{number}行有 {columns:N0} 个单元格，超过 {limit:N0} 列的上限；请删除多余的单元格。"),
            string.Create(CultureInfo.InvariantCulture, $"{unit} {number} has {columns:N0} cells, more than the limit of {limit:N0}; remove the cells beyond the template's columns."));

    /// <summary>
    /// Refuses a NUL character (U+0000) in a cell: PostgreSQL text cannot hold it, and in json it is an escape that fails
    /// whenever the value is read as text, so it must never reach the database. <paramref name="unit"/> is "Row" or
    /// "Line", as the reader counts.
    /// </summary>
    internal static void RefuseNul(IRowSource cells, string unit, int number)
    {
        for (var column = 0; column < cells.Count; column++)
        {
            if (cells[column].Contains('\0'))
            {
                throw new FileProblemException(
                    $"第{number}行第{column + 1}列含有空字符（NUL，\\0），无法保存；请删除该字符后重新报送（常见于导出程序出错或另存为 UTF-16 的文件）。",
                    $"{unit} {number}, column {column + 1}, holds a NUL character (\\0), which cannot be stored; remove it and resend the file " +
                    "(it often comes from a faulty export or a file saved as UTF-16).");
            }
        }
    }
}

/// <summary>
/// Leaves out blank rows (no cell, or only empty and white-space cells, such as ",,,,") at the end of a file, so they
/// are neither read nor errors. Blank rows followed by data are still read, as blank rows, before that data.
/// </summary>
internal sealed class TrailingBlankRowsDropped(IRowReader inner) : IRowReader
{
    private static readonly StringRow Blank = new();
    private int blanksAhead;

    public IReadOnlyList<string> Header => inner.Header;

    public string Encoding => inner.Encoding;

    public IRowSource Row => blanksAhead > 0 ? Blank : inner.Row;

    public bool Read()
    {
        if (blanksAhead > 0)
        {
            blanksAhead--;
            return true;
        }
        var blanks = 0;
        while (inner.Read())
        {
            if (!FileValidation.IsBlank(inner.Row))
            {
                blanksAhead = blanks; // the inner reader holds the row that ended them until they are handed out
                return true;
            }
            blanks++;
        }
        return false;
    }

    public void Dispose() => inner.Dispose();
}

/// <summary>A row held as strings (Excel and JSON Lines rows, which are not spans into a text buffer).</summary>
internal sealed class StringRow : IRowSource
{
    public string[] Cells { get; set; } = [];

    public int Count => Cells.Length;

    public ReadOnlySpan<char> this[int column] => Cells[column];
}
