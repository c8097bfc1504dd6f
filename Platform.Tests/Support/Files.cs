using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using Platform.Ingest.Processing;
using Platform.Ingest.Reading;

namespace Platform.Tests.Support;

/// <summary>Files as agencies send them: business registrations as CSV (UTF-8 or GB18030), .xlsx and JSON Lines.</summary>
public static class Files
{
    public const string RegistrationsHeader =
        "uscc,name,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period";

    public static string Uscc(int serial)
    {
        var first17 = string.Create(CultureInfo.InvariantCulture, $"91410100{serial:D9}");
        return first17 + Platform.Templates.Checks.Uscc.CheckCharacter(first17);
    }

    public static string[] Registration(int serial, string period = "2024-03", string name = "郑州测试商贸有限公司", string status = "存续") =>
    [
        Uscc(serial), name + serial.ToString(CultureInfo.InvariantCulture), "张三", "11010519491231002X", "2015-06-01", status, "", "",
        "410102", "河南省郑州市中原区建设路1号", "F5211", "100.00", period,
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
    public static byte[] Xlsx(string[] header, IEnumerable<string[]> rows)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddPackageParts(zip, sharedStrings: false);
            var sheet = new StringBuilder(SheetStart);
            var number = 1;
            foreach (var row in rows.Prepend(header))
            {
                sheet.Append(CultureInfo.InvariantCulture, $"<row r=\"{number++}\">");
                foreach (var cell in row)
                {
                    sheet.Append(InlineCell(cell));
                }
                sheet.Append("</row>");
            }
            AddPart(zip, "xl/worksheets/sheet1.xml", sheet.Append(SheetEnd).ToString());
        }
        return memory.ToArray();
    }

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
            before.Append(InlineCell(label));
        }
        before.Append("</row><row r=\"2\">").Append(InlineCell(row[0]));
        before.Append(where == LongText.InlineCell ? "<c t=\"inlineStr\"><is><t>" : "<c t=\"s\"><v>0</v></c>");
        var after = new StringBuilder(where == LongText.InlineCell ? "</t></is></c>" : "");
        foreach (var cell in row[2..])
        {
            after.Append(InlineCell(cell));
        }
        AddPart(zip, "xl/worksheets/sheet1.xml", before.ToString(), "A", where == LongText.InlineCell ? length : 0,
            after.Append("</row>").Append(SheetEnd).ToString());
    }

    /// <summary>A workbook whose header names the template's columns and whose second row has a cell at column <paramref name="reference"/>.</summary>
    public static byte[] XlsxWithCellAt(string reference)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            AddPackageParts(zip, sharedStrings: false);
            var sheet = new StringBuilder(SheetStart).Append("<row r=\"1\">");
            foreach (var label in RegistrationsHeader.Split(','))
            {
                sheet.Append(InlineCell(label));
            }
            sheet.Append(CultureInfo.InvariantCulture, $"</row><row r=\"2\"><c r=\"{reference}\" t=\"inlineStr\"><is><t>x</t></is></c></row>");
            AddPart(zip, "xl/worksheets/sheet1.xml", sheet.Append(SheetEnd).ToString());
        }
        return memory.ToArray();
    }

    private const string SheetStart = """<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""";
    private const string SheetEnd = "</sheetData></worksheet>";

    private static string InlineCell(string text) => $"<c t=\"inlineStr\"><is><t>{SecurityElement.Escape(text)}</t></is></c>";

    private static void AddPackageParts(ZipArchive zip, bool sharedStrings)
    {
        var sst = sharedStrings ? """<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>""" : "";
        var sstRel = sharedStrings ? """<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""" : "";
        AddPart(zip, "[Content_Types].xml", $"""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{sst}</Types>""");
        AddPart(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        AddPart(zip, "xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
        AddPart(zip, "xl/_rels/workbook.xml.rels", $"""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{sstRel}</Relationships>""");
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

    /// <summary>A workbook's first sheet as text, read back with the same reader the platform uses for uploads.</summary>
    public static List<string?[]> XlsxCells(byte[] workbook)
    {
        var path = TestDirectories.New("workbook") + ".xlsx";
        File.WriteAllBytes(path, workbook);
        try
        {
            using var reader = RowReaders.Open(path, RowReaders.Xlsx, isUtf8: false, new IngestOptions());
            List<string?[]> rows = [[.. reader.Header]];
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.Row.Count).Select(i => reader.Row[i].ToString())]);
            }
            return rows;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string XlsxSheetXml(byte[] workbook)
    {
        using var zip = new ZipArchive(new MemoryStream(workbook));
        using var sheet = new StreamReader(zip.Entries.First(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal)).Open());
        return sheet.ReadToEnd();
    }
}
