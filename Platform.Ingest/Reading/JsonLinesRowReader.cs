using System.Text;
using System.Text.Json;
using Platform.Ingest.Processing;

namespace Platform.Ingest.Reading;

/// <summary>JSON Lines: one object per line; the first object's keys are the header, later objects are matched by key.</summary>
internal sealed class JsonLinesRowReader : IRowReader
{
    private readonly StreamReader text;
    private readonly int maxRowChars;
    private readonly int maxColumns;
    private readonly char[] buffer = new char[1 << 16];
    private readonly StringBuilder lineText = new();
    private int start;
    private int end;
    private readonly StringRow row = new();
    private readonly Dictionary<string, int> columns;
    private string? pending;
    private int line;

    public JsonLinesRowReader(string path, Encoding encoding, IngestOptions options)
    {
        maxRowChars = options.MaxRowChars;
        maxColumns = options.MaxColumns;
        Encoding = encoding.WebName == "utf-8" ? "UTF-8" : "GB18030";
        text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, 1 << 16);
        pending = NextLine();
        if (pending is null)
        {
            throw new FileProblemException("文件为空。", "The file is empty.");
        }
        using var first = Parse(pending);
        Header = [.. first.RootElement.EnumerateObject().Take(maxColumns + 1).Select(p => p.Name)];
        if (Header.Count > maxColumns)
        {
            throw RowReaders.TooManyColumns("Line", line, first.RootElement.EnumerateObject().Count(), maxColumns);
        }
        RowReaders.RefuseNul(new StringRow { Cells = [.. Header] }, "Line", line);
        columns = [];
        for (var i = 0; i < Header.Count; i++)
        {
            columns.TryAdd(Header[i], i); // a repeated key is a header error (duplicate-label), not a crash
        }
    }

    public IReadOnlyList<string> Header { get; }

    public string Encoding { get; }

    public Platform.Templates.Validation.IRowSource Row => row;

    public bool Read()
    {
        var current = pending ?? NextLine();
        pending = null;
        if (current is null)
        {
            return false;
        }
        using var document = Parse(current);
        var cells = new string[Header.Count];
        Array.Fill(cells, "");
        var extra = new List<string>();
        var properties = 0;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (++properties > maxColumns)
            {
                throw RowReaders.TooManyColumns("Line", line, document.RootElement.EnumerateObject().Count(), maxColumns);
            }
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Null => "",
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => property.Value.GetRawText(),
            };
            if (columns.TryGetValue(property.Name, out var column))
            {
                cells[column] = value;
            }
            else
            {
                extra.Add(value);
            }
        }
        row.Cells = extra.Count == 0 ? cells : [.. cells, .. extra];
        RowReaders.RefuseNul(row, "Line", line);
        return true;
    }

    private string? NextLine()
    {
        string? next;
        do
        {
            line++;
            try
            {
                next = ReadLine();
            }
            catch (DecoderFallbackException)
            {
                throw new FileProblemException("文件编码无法识别：请使用 UTF-8 或 GB18030。", "The file's encoding is not readable: use UTF-8 or GB18030.");
            }
        }
        while (next is not null && string.IsNullOrWhiteSpace(next));
        return next;
    }

    /// <summary>The next line without its line break, or null at the end; its length is checked as it is read, never after.</summary>
    private string? ReadLine()
    {
        lineText.Clear();
        while (true)
        {
            if (start == end)
            {
                (start, end) = (0, text.Read(buffer, 0, buffer.Length));
                if (end == 0)
                {
                    return lineText.Length == 0 ? null : Line();
                }
            }
            var rest = buffer.AsSpan(start, end - start);
            var lineBreak = rest.IndexOf('\n');
            var part = lineBreak < 0 ? rest : rest[..lineBreak];
            if (lineText.Length + part.Length > maxRowChars + 1) // one more for a '\r' before the '\n'
            {
                throw TooLong();
            }
            lineText.Append(part);
            start += lineBreak < 0 ? part.Length : part.Length + 1;
            if (lineBreak >= 0)
            {
                return Line();
            }
        }

        string Line()
        {
            if (lineText.Length > 0 && lineText[^1] == '\r')
            {
                lineText.Length--;
            }
            return lineText.Length > maxRowChars ? throw TooLong() : lineText.ToString();
        }

        FileProblemException TooLong() =>
            new($"第{line}行超过 {maxRowChars} 个字符的上限。", $"Line {line} is longer than the limit of {maxRowChars} characters.");
    }

    private JsonDocument Parse(string json)
    {
        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }
            document.Dispose();
        }
        catch (JsonException)
        {
        }
        throw new FileProblemException($"第{line}行不是一个 JSON 对象。", $"Line {line} is not a JSON object; each line must be one object such as {{\"uscc\": \"...\"}}.");
    }

    public void Dispose() => text.Dispose();
}
