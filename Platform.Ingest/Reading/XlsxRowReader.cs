using System.Globalization;
using ExcelDataReader;

namespace Platform.Ingest.Reading;

/// <summary>The first sheet of an .xlsx workbook, streamed row by row; dates and numbers written as Table Schema reads them.</summary>
internal sealed class XlsxRowReader : IRowReader
{
    private readonly FileStream file;
    private readonly IExcelDataReader reader;
    private readonly StringRow row = new();

    // ExcelDataReader asks for code page 1252 when it opens a workbook; .NET has it only through this provider.
    static XlsxRowReader() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public XlsxRowReader(string path)
    {
        file = File.OpenRead(path);
        try
        {
            reader = ExcelReaderFactory.CreateOpenXmlReader(file);
            if (!reader.Read())
            {
                throw new FileProblemException("工作表为空：第一行应为表头。", "The first sheet is empty: its first row should be the header.");
            }
            Header = [.. Cells()];
        }
        catch (Exception e) when (e is not FileProblemException)
        {
            file.Dispose();
            throw new FileProblemException("无法读取该 Excel 文件，请另存为 .xlsx 后重新上传。",
                "The Excel file cannot be read; save it again as .xlsx and resend it.");
        }
    }

    public IReadOnlyList<string> Header { get; }

    public string Encoding => "xlsx";

    public Platform.Templates.Validation.IRowSource Row => row;

    public bool Read()
    {
        if (!reader.Read())
        {
            return false;
        }
        row.Cells = Cells();
        return true;
    }

    private string[] Cells()
    {
        var count = reader.FieldCount;
        while (count > 0 && reader.GetValue(count - 1) is null)
        {
            count--;
        }
        var cells = new string[count];
        for (var i = 0; i < count; i++)
        {
            cells[i] = reader.GetValue(i) switch
            {
                null => "",
                DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                double n => n.ToString("R", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
            };
        }
        return cells;
    }

    public void Dispose()
    {
        reader.Dispose();
        file.Dispose();
    }
}
