using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
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
            void Add(string path, string xml)
            {
                using var writer = new StreamWriter(zip.CreateEntry(path).Open(), new UTF8Encoding(false));
                writer.Write(xml);
            }
            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Add("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            var sheet = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
            var number = 1;
            foreach (var row in rows.Prepend(header))
            {
                sheet.Append(CultureInfo.InvariantCulture, $"<row r=\"{number++}\">");
                foreach (var cell in row)
                {
                    sheet.Append("<c t=\"inlineStr\"><is><t>").Append(SecurityElement.Escape(cell)).Append("</t></is></c>");
                }
                sheet.Append("</row>");
            }
            Add("xl/worksheets/sheet1.xml", sheet.Append("</sheetData></worksheet>").ToString());
        }
        return memory.ToArray();
    }

    /// <summary>A workbook's first sheet as text, read back with the same reader the platform uses for uploads.</summary>
    public static List<string?[]> XlsxCells(byte[] workbook)
    {
        var path = TestDirectories.New("workbook") + ".xlsx";
        File.WriteAllBytes(path, workbook);
        try
        {
            using var reader = RowReaders.Open(path, RowReaders.Xlsx, isUtf8: false, 1024 * 1024);
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
