using System.Globalization;
using ExcelDataReader;
using Platform.Ingest.Processing;

namespace Platform.Ingest.Reading;

/// <summary>
/// The first sheet of an .xlsx workbook, streamed row by row; dates and numbers written as Table Schema reads them. The
/// workbook is checked against the limits (<see cref="XlsxInspection"/>) before ExcelDataReader opens it.
/// </summary>
internal sealed class XlsxRowReader : IRowReader
{
    private readonly FileStream file;
    private readonly IExcelDataReader reader;
    private readonly StringRow row = new();
    private int number = 1;

    public XlsxRowReader(string path, IngestOptions options)
    {
        file = File.OpenRead(path);
        try
        {
            XlsxInspection.Check(file, options);
            file.Position = 0;
            reader = ExcelReaderFactory.CreateOpenXmlReader(file);
            if (!reader.Read())
            {
                throw new FileProblemException("工作表为空：第一行应为表头。", "The first sheet is empty: its first row should be the header.");
            }
            Header = [.. Cells()];
            RowReaders.RefuseNul(new StringRow { Cells = [.. Header] }, "Row", 1);
        }
        catch (Exception e)
        {
            file.Dispose();
            if (e is FileProblemException)
            {
                throw;
            }
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
        RowReaders.RefuseNul(row, "Row", ++number);
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
            var value = reader.GetValue(i);
            if (value is double serial && serial >= 1 && serial < 2_958_466 && IsEastAsianDateFormat(reader.GetNumberFormatIndex(i)))
            {
                value = DateTime.FromOADate(serial);
            }
            cells[i] = value switch
            {
                null => "",
                DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                double n => ExcelNumber(n),
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

    /// <summary>
    /// Whether a built-in number format is one of the East Asian date formats (27–36, 50–58: in Chinese Excel
    /// <c>yyyy"年"m"月"d"日"</c>, <c>m"月"d"日"</c> and the like), which ExcelDataReader 3.6 (the version served) leaves as
    /// numbers, so a date a clerk sees as 2025年12月16日 came through as its serial number, 45998 (clerk review, 2026-12-02).
    /// </summary>
    private static bool IsEastAsianDateFormat(int format) => format is >= 27 and <= 36 or >= 50 and <= 58;

    /// <summary>
    /// A number as Excel shows it: to 15 significant digits, never in exponent form while it fits a decimal. The round
    /// trip form ("R") gave a formula's 1,234.56 as 1234.5600000000002, which a money field then refused. From 10^15 on,
    /// Excel no longer holds every digit (a 20-digit invoice number typed into a General cell keeps its first 15), so such
    /// a number is written in exponent form, as Excel shows it, rather than as digits that look exact but are not.
    /// </summary>
    private static string ExcelNumber(double n) => Math.Abs(n) < 1e15
        ? ((decimal)n).ToString(CultureInfo.InvariantCulture) // the conversion keeps 15 significant digits
        : n.ToString("0.##############E+0", CultureInfo.InvariantCulture);
}
