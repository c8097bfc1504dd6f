using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Ingest.Storage;

namespace Platform.Tests.Support;

/// <summary>Files as agencies send them: business registrations as CSV (UTF-8 or GB18030), .xlsx and JSON Lines.</summary>
public static class Files
{
    public const string RegistrationsHeader =
        "uscc,name,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period";

    /// <summary>A valid USCC registered in <paramref name="division"/> (GB/T 2260; default Zhengzhou, 410100).</summary>
    public static string Uscc(int serial, string division = "410100")
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"91{division}{serial:D9}");
        return first17 + Platform.Templates.Checks.Uscc.CheckCharacter(first17);
    }

    /// <summary>A business registration row; with <paramref name="county"/> the business's USCC and address are in that county (default Zhengzhou).</summary>
    public static string[] Registration(int serial, string period = "2024-03", string name = "郑州测试商贸有限公司", string status = "存续",
        string? county = null) =>
    [
        county is null ? Uscc(serial) : Uscc(serial, county), name + serial.ToString(CultureInfo.InvariantCulture), "张三", "11010519491231002X",
        "2015-06-01", status, "", "", county ?? "410102", "河南省郑州市中原区建设路1号", "F5211", "100.00", period,
    ];

    public static string Csv(IEnumerable<string[]> rows, string header = RegistrationsHeader) =>
        header + "\r\n" + string.Concat(rows.Select(r => string.Join(",", r) + "\r\n"));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Text in GB18030 as the platform decodes it (the platform's encoding: no test registers code pages itself).</summary>
    public static byte[] Gb18030(string text) => RowReaders.Gb18030.GetBytes(text);

    public static byte[] Registrations(int count, string period = "2024-03", int first = 1) =>
        Utf8(Csv(Enumerable.Range(first, count).Select(i => Registration(i, period))));

    public static byte[] JsonLines(IEnumerable<string[]> rows)
    {
        var names = RegistrationsHeader.Split(',');
        return Utf8(string.Concat(rows.Select(r =>
            "{" + string.Join(",", names.Select((n, i) => $"\"{n}\":\"{r[i]}\"")) + "}\n")));
    }

    /// <summary>A minimal .xlsx (Office Open XML) workbook with one sheet of inline strings, as Excel would save it.</summary>
    public static byte[] Xlsx(string[] header, IEnumerable<string[]> rows) =>
        XlsxOfRows(string.Concat(rows.Prepend(header).Select((row, i) =>
            string.Create(CultureInfo.InvariantCulture, $"<row r=\"{i + 1}\">{string.Concat(row.Select(XlsxText))}</row>"))));

    /// <summary>
    /// A workbook of one sheet whose rows are <paramref name="rowsXml"/> (SpreadsheetML <c>&lt;row&gt;</c> elements). Its cell
    /// styles: 0 is General, 1 is Excel's built-in short date (number format 14, what a typed date gets), and 2, 3, … are
    /// <paramref name="numberFormats"/> in order (format codes such as <c>0.00</c>), then one more, Chinese Excel's built-in
    /// long date (number format 31, <c>yyyy"年"m"月"d"日"</c>).
    /// </summary>
    public static byte[] XlsxOfRows(string rowsXml, params string[] numberFormats)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddPackageParts(zip, sharedStrings: false, styles: true);
            var custom = numberFormats.Select((code, i) =>
                string.Create(CultureInfo.InvariantCulture, $"<numFmt numFmtId=\"{164 + i}\" formatCode=\"{SecurityElement.Escape(code)}\"/>"));
            var formats = numberFormats.Select((_, i) =>
                string.Create(CultureInfo.InvariantCulture, $"<xf numFmtId=\"{164 + i}\" applyNumberFormat=\"1\"/>"));
            AddPart(zip, "xl/styles.xml", $"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="{numberFormats.Length}">{string.Concat(custom)}</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="{numberFormats.Length + 3}"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>{string.Concat(formats)}<xf numFmtId="31" applyNumberFormat="1"/></cellXfs></styleSheet>""");
            AddPart(zip, "xl/worksheets/sheet1.xml", SheetStart + rowsXml + SheetEnd);
        }
        return memory.ToArray();
    }

    /// <summary>A cell of text as Excel writes it inline (<c>t="inlineStr"</c>), for <see cref="XlsxOfRows"/>.</summary>
    public static string XlsxText(string text) => $"<c t=\"inlineStr\"><is><t>{SecurityElement.Escape(text)}</t></is></c>";

    /// <summary>Where a hostile workbook keeps its text: many short shared strings, one long shared string, or one long inline cell.</summary>
    public enum LongText { SharedStrings, OneSharedString, InlineCell }

    /// <summary>
    /// A registrations workbook written straight to <paramref name="path"/> with <paramref name="length"/> letters of
    /// text where <paramref name="where"/> says; the second row's name is the (first) text. Kilobytes on disk, as
    /// large as asked when inflated, and written in chunks, so the test never holds the text.
    /// </summary>
    public static void InflatingXlsx(string path, LongText where, long length)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        AddPackageParts(zip, sharedStrings: where != LongText.InlineCell);
        const string sst = """<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""";
        if (where == LongText.SharedStrings)
        {
            AddPart(zip, "xl/sharedStrings.xml", sst, "<si><t>AAAAAAAAAA</t></si>", length / 10, "</sst>");
        }
        else if (where == LongText.OneSharedString)
        {
            AddPart(zip, "xl/sharedStrings.xml", sst + "<si><t>", "A", length, "</t></si></sst>");
        }
        var row = Registration(1);
        var before = new StringBuilder(SheetStart).Append("<row r=\"1\">");
        foreach (var label in RegistrationsHeader.Split(','))
        {
            before.Append(XlsxText(label));
        }
        before.Append("</row><row r=\"2\">").Append(XlsxText(row[0]));
        before.Append(where == LongText.InlineCell ? "<c t=\"inlineStr\"><is><t>" : "<c t=\"s\"><v>0</v></c>");
        var after = new StringBuilder(where == LongText.InlineCell ? "</t></is></c>" : "");
        foreach (var cell in row[2..])
        {
            after.Append(XlsxText(cell));
        }
        AddPart(zip, "xl/worksheets/sheet1.xml", before.ToString(), "A", where == LongText.InlineCell ? length : 0,
            after.Append("</row>").Append(SheetEnd).ToString());
    }

    /// <summary>A workbook whose header names the template's columns and whose second row has a cell at column <paramref name="reference"/>.</summary>
    public static byte[] XlsxWithCellAt(string reference) =>
        XlsxOfRows($"<row r=\"1\">{string.Concat(RegistrationsHeader.Split(',').Select(XlsxText))}</row>" +
                   $"<row r=\"2\"><c r=\"{reference}\" t=\"inlineStr\"><is><t>x</t></is></c></row>");

    private const string SheetStart = """<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""";
    private const string SheetEnd = "</sheetData></worksheet>";

    private static void AddPackageParts(ZipArchive zip, bool sharedStrings, bool styles = false)
    {
        var overrides = (sharedStrings ? """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""" : "") +
                  (styles ? """<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>""" : "");
        var relationships = (sharedStrings ? """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""" : "") +
                     (styles ? """<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>""" : "");
        AddPart(zip, "[Content_Types].xml", $"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{overrides}</Types>""");
        AddPart(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        AddPart(zip, "xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        AddPart(zip, "xl/_rels/workbook.xml.rels", $"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{relationships}</Relationships>""");
    }

    /// <summary>Adds a part: <paramref name="before"/>, <paramref name="unit"/> <paramref name="repeat"/> times in chunks, then <paramref name="after"/>.</summary>
    private static void AddPart(ZipArchive zip, string path, string before, string unit = "", long repeat = 0, string after = "")
    {
        using var part = zip.CreateEntry(path, CompressionLevel.SmallestSize).Open();
        part.Write(Encoding.UTF8.GetBytes(before));
        var units = (int)Math.Max(1, (1 << 16) / Math.Max(1, unit.Length));
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(unit, units)));
        for (var left = repeat; left > 0; left -= units)
        {
            part.Write(chunk, 0, (int)(Math.Min(left, units) * unit.Length));
        }
        part.Write(Encoding.UTF8.GetBytes(after));
    }

    /// <summary>What a reader made of a file: the encoding it read the text in, the header, and each row's cells as text.</summary>
    public sealed record ReadFile(string Encoding, string[] Header, List<string[]> Rows);

    /// <summary>
    /// Reads a file as the platform does: kept by <see cref="UploadStore"/>, which tells UTF-8 from GB18030 as the bytes
    /// arrive, then opened with <see cref="RowReaders.Open"/> and read to the end. The folder it was kept in is removed.
    /// </summary>
    public static async Task<ReadFile> ReadAsync(byte[] file, string mediaType, IngestOptions? options = null)
    {
        var folder = TestDirectories.New("reading");
        try
        {
            var upload = await new UploadStore(Path.Combine(folder, "uploads"), long.MaxValue)
                .SaveAsync(new MemoryStream(file), "file", DateTimeOffset.UnixEpoch, CancellationToken.None);
            using var reader = RowReaders.Open(upload.Path, mediaType, upload.IsUtf8, options ?? new IngestOptions());
            var rows = new List<string[]>();
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.Row.Count).Select(i => reader.Row[i].ToString())]);
            }
            return new ReadFile(reader.Encoding, [.. reader.Header], rows);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>A workbook's first sheet as text, header first, read back with the same reader the platform uses for uploads.</summary>
    public static async Task<List<string[]>> XlsxCellsAsync(byte[] workbook)
    {
        var read = await ReadAsync(workbook, RowReaders.Xlsx);
        return [read.Header, .. read.Rows];
    }

    public static string XlsxSheetXml(byte[] workbook)
    {
        using var zip = new ZipArchive(new MemoryStream(workbook));
        using var sheet = new StreamReader(zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal)).Open());
        return sheet.ReadToEnd();
    }
}
