using System.Text;
using System.Text.Json;

namespace Platform.Ingest.Reading;

/// <summary>JSON Lines: one object per line; the first object's keys are the header, later objects are matched by key.</summary>
internal sealed class JsonLinesRowReader : IRowReader
{
    private readonly StreamReader text;
    private readonly int maxRowChars;
    private readonly StringRow row = new();
    private readonly Dictionary<string, int> columns;
    private string? pending;
    private int line;

    public JsonLinesRowReader(string path, Encoding encoding, int maxRowChars)
    {
        this.maxRowChars = maxRowChars;
        Encoding = encoding.WebName == "utf-8" ? "UTF-8" : "GB18030";
        text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, 1 << 16);
        pending = NextLine();
        if (pending is null)
        {
            throw new FileProblemException("文件为空。", "The file is empty.");
        }
        using var first = Parse(pending);
        Header = [.. first.RootElement.EnumerateObject().Select(p => p.Name)];
        RowReaders.RefuseNul(new StringRow { Cells = [.. Header] }, "Line", line);
        columns = Header.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
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
        foreach (var property in document.RootElement.EnumerateObject())
        {
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
            try
            {
                next = text.ReadLine();
            }
            catch (DecoderFallbackException)
            {
                throw new FileProblemException("文件编码无法识别：请使用 UTF-8 或 GB18030。", "The file's encoding is not readable: use UTF-8 or GB18030.");
            }
            line++;
        }
        while (next is not null && string.IsNullOrWhiteSpace(next));
        if (next is not null && next.Length > maxRowChars)
        {
            throw new FileProblemException($"第{line}行超过 {maxRowChars} 个字符的上限。", $"Line {line} is longer than the limit of {maxRowChars} characters.");
        }
        return next;
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
