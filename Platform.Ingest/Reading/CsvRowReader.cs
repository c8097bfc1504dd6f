using System.Text;
using Sylvan.Data.Csv;

namespace Platform.Ingest.Reading;

/// <summary>RFC 4180 CSV through Sylvan: comma-separated, first row the header, a byte-order mark skipped.</summary>
internal sealed class CsvRowReader : IRowReader
{
    private readonly StreamReader text;
    private readonly CsvDataReader reader;
    private readonly int maxRowChars;

    public CsvRowReader(string path, Encoding encoding, int maxRowChars)
    {
        this.maxRowChars = maxRowChars;
        Encoding = encoding.WebName == "utf-8" ? "UTF-8" : "GB18030";
        text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: encoding.WebName == "utf-8", 1 << 16);
        reader = Guard(() => CsvDataReader.Create(text, new CsvDataReaderOptions
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
        Row = new CsvRows(reader);
    }

    public IReadOnlyList<string> Header { get; }

    public string Encoding { get; }

    public Platform.Templates.Validation.IRowSource Row { get; }

    public bool Read() => Guard(reader.Read);

    private T Guard<T>(Func<T> read)
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
            throw new FileProblemException($"文件中有一行超过 {maxRowChars} 个字符的上限，请检查是否缺少引号。",
                $"A row is longer than the limit of {maxRowChars} characters; check for a missing closing quote.");
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        text.Dispose();
    }
}
