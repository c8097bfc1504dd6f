using System.Text;
using Platform.Ingest.Processing;
using Sylvan.Data.Csv;

namespace Platform.Ingest.Reading;

/// <summary>RFC 4180 CSV through Sylvan: comma-separated, first row the header, a byte-order mark skipped.</summary>
internal sealed class CsvRowReader : IRowReader
{
    private readonly StreamReader text;
    private readonly CsvDataReader reader;
    private readonly int maxRowChars;
    private readonly int maxColumns;
    private int row = 1;

    public CsvRowReader(string path, Encoding encoding, IngestOptions options)
    {
        maxRowChars = options.MaxRowChars;
        maxColumns = options.MaxColumns;
        Encoding = encoding.WebName == "utf-8" ? "UTF-8" : "GB18030";
        text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: encoding.WebName == "utf-8", 1 << 16);
        reader = Guard(1, () => CsvDataReader.Create(text, new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = ',',
            BufferSize = Math.Min(1 << 16, maxRowChars),
            MaxBufferSize = maxRowChars,
        }));
        Header = [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
        if (Header.Count == 0 || (Header.Count == 1 && Header[0].Length == 0))
        {
            throw new FileProblemException("文件为空：第一行应为表头。", "The file is empty: its first line should be the header.");
        }
        if (Header.Count > maxColumns)
        {
            throw RowReaders.TooManyColumns("Row", 1, Header.Count, maxColumns);
        }
        RowReaders.RefuseNul(new StringRow { Cells = [.. Header] }, "Row", 1);
        Row = new CsvRows(reader);
    }

    public IReadOnlyList<string> Header { get; }

    public string Encoding { get; }

    public Platform.Templates.Validation.IRowSource Row { get; }

    public bool Read()
    {
        if (!Guard(row + 1, reader.Read))
        {
            return false;
        }
        row++;
        if (reader.RowFieldCount > maxColumns)
        {
            throw RowReaders.TooManyColumns("Row", row, reader.RowFieldCount, maxColumns);
        }
        RowReaders.RefuseNul(Row, "Row", row);
        return true;
    }

    /// <summary>Turns what Sylvan finds wrong with row <paramref name="number"/> (the header is row 1) into what to fix.</summary>
    private T Guard<T>(int number, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DecoderFallbackException)
        {
            throw new FileProblemException("文件编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。",
                "The file's encoding is not readable: save it as CSV in UTF-8 or GB18030 (GBK).");
        }
        catch (CsvRecordTooLargeException)
        {
            throw new FileProblemException($"第{number}行超过 {maxRowChars} 个字符的上限，请检查是否缺少引号。",
                $"Row {number} is longer than the limit of {maxRowChars} characters; check for a missing closing quote.");
        }
        catch (CsvFormatException)
        {
            throw new FileProblemException(
                $"第{number}行的引号不成对：带引号的单元格应以引号结束，其后紧跟逗号或换行；单元格中的引号要写成两个（\"\"）。",
                $"Row {number} has a quote out of place: a quoted cell must end with a quote followed by a comma or the line end, " +
                "and a quote inside a cell is written twice (\"\"); check for a missing closing quote.");
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        text.Dispose();
    }
}
