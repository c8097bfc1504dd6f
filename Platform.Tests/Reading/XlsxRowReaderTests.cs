using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Tests.Support;

namespace Platform.Tests.Reading;

/// <summary>The first sheet of a workbook as the reader hands it to the validator, without a host or a database.</summary>
public sealed class XlsxRowReaderTests
{
    private static string Row(int number, string cells) => $"<row r=\"{number}\">{cells}</row>";

    private static string Text(params string[] texts) => string.Concat(texts.Select(Files.XlsxText));

    [Fact]
    public async Task A_workbook_gives_its_header_and_each_rows_cells_with_trailing_blank_rows_left_out()
    {
        var workbook = Files.Xlsx(["uscc", "name", "address"], [["A1", "郑州商贸", "建设路1号\n二楼"], ["A2", "", "x"], [], ["", " "]]);
        var read = await Files.ReadAsync(workbook, RowReaders.Xlsx);
        Assert.Equal("xlsx", read.Encoding);
        Assert.Equal(["uscc", "name", "address"], read.Header);
        Assert.Equal([["A1", "郑州商贸", "建设路1号\n二楼"], ["A2", "", "x"]], read.Rows);
    }

    [Fact]
    public async Task Numbers_and_dates_are_read_as_the_text_a_clerk_sees_not_as_excels_serial_numbers()
    {
        // Cell style 1 is Excel's short date (what a typed date gets), 2 a custom date, 3 a date and time, 4 two decimals.
        var workbook = Files.XlsxOfRows(
            Row(1, Text("established", "changed", "stamped", "capital", "employees", "share")) +
            Row(2, """<c s="1"><v>42156</v></c><c s="2"><v>45383</v></c><c s="3"><v>45383.5625</v></c><c s="4"><v>1250000.5</v></c><c><v>12</v></c><c><v>0.25</v></c>"""),
            "yyyy\"年\"m\"月\"d\"日\"", "yyyy-mm-dd hh:mm", "#,##0.00");
        var read = await Files.ReadAsync(workbook, RowReaders.Xlsx);
        Assert.Equal(["2015-06-01", "2024-04-01", "2024-04-01T13:30:00", "1250000.5", "12", "0.25"], Assert.Single(read.Rows));
    }

    [Fact]
    public async Task A_number_is_read_to_the_fifteen_digits_excel_shows_without_binary_noise()
    {
        // A formula's result as Excel stores it: the sheet shows 1,234.56 and 0.3. From 10^15 on Excel holds 15 significant
        // digits only (a 20-digit invoice number typed as a number keeps its first 15), so such a number reads in exponent
        // form, as Excel's General format shows it, not as digits that look exact and are not (clerk review).
        var workbook = Files.XlsxOfRows(Row(1, Text("amount", "share", "big", "invoice")) +
                                        Row(2, "<c><v>1234.5600000000002</v></c><c><v>0.30000000000000004</v></c><c><v>1234567890123456</v></c>" +
                                               "<c><v>25510000000000121001</v></c>"));
        var read = await Files.ReadAsync(workbook, RowReaders.Xlsx);
        Assert.Equal(["1234.56", "0.3", "1.23456789012346E+15", "2.55100000000001E+19"], Assert.Single(read.Rows));
    }

    [Fact]
    public async Task Text_that_looks_like_a_number_keeps_its_leading_zeros_and_a_boolean_reads_as_true_or_false()
    {
        var workbook = Files.XlsxOfRows(Row(1, Text("division", "code", "flag")) + Row(2, Text("0410102", "91410100MA0000001X") + """<c t="b"><v>1</v></c>"""));
        var read = await Files.ReadAsync(workbook, RowReaders.Xlsx);
        Assert.Equal(["0410102", "91410100MA0000001X", "true"], Assert.Single(read.Rows));
    }

    [Fact]
    public async Task A_row_wider_than_the_column_limit_rejects_the_workbook_naming_the_row()
    {
        var workbook = Files.Xlsx(["a", "b"], [["1", "2"], ["1", "2", "3"]]);
        await Refused.Saying(workbook, RowReaders.Xlsx, new IngestOptions { MaxColumns = 2 }, "Row 3 has 3 cells", "第3行");
    }

    [Fact]
    public async Task A_file_that_is_not_a_workbook_is_rejected_saying_to_save_it_as_xlsx()
    {
        await Refused.Saying(Files.Registrations(1), RowReaders.Xlsx, new IngestOptions(), "save it again as .xlsx", "另存为 .xlsx");
    }
}
