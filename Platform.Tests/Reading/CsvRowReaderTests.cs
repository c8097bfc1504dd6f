using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Tests.Support;

namespace Platform.Tests.Reading;

/// <summary>CSV as the reader hands it to the validator, without a host or a database.</summary>
public sealed class CsvRowReaderTests
{
    private static readonly string[] Header = Files.RegistrationsHeader.Split(',');

    [Fact]
    public async Task A_utf8_file_gives_its_header_and_each_rows_cells()
    {
        var read = await Files.ReadAsync(Files.Registrations(2, "2024-03", first: 7), RowReaders.Csv);
        Assert.Equal("UTF-8", read.Encoding);
        Assert.Equal(Header, read.Header);
        Assert.Equal([Files.Registration(7), Files.Registration(8)], read.Rows);
    }

    [Fact]
    public async Task A_byte_order_mark_is_not_read_into_the_first_label()
    {
        byte[] file = [0xEF, 0xBB, 0xBF, .. Files.Registrations(1)];
        var read = await Files.ReadAsync(file, RowReaders.Csv);
        Assert.Equal("uscc", read.Header[0]);
        Assert.Equal(Files.Registration(1), Assert.Single(read.Rows));
    }

    [Fact]
    public async Task A_gb18030_file_is_told_from_utf8_by_its_bytes_and_its_chinese_text_read_intact()
    {
        var row = Files.Registration(1, name: "洛阳牡丹瓷业股份有限公司");
        row[9] = "河南省洛阳市涧西区㐀路1号"; // a character GBK lacks and GB18030 has
        var read = await Files.ReadAsync(Files.Gb18030(Files.Csv([row])), RowReaders.Csv);
        Assert.Equal("GB18030", read.Encoding);
        Assert.Equal(row, Assert.Single(read.Rows));
    }

    [Fact]
    public async Task Quoted_cells_keep_their_commas_line_breaks_and_doubled_quotes()
    {
        var file = Files.Utf8("name,address,note\r\n" +
                              "\"郑州\"\"诚信\"\"商贸, 有限公司\",\"建设路1号\r\n二楼\",plain\r\n" +
                              "next,\"a\nb\",\"\"\r\n");
        var read = await Files.ReadAsync(file, RowReaders.Csv);
        Assert.Equal(["name", "address", "note"], read.Header);
        Assert.Equal([["郑州\"诚信\"商贸, 有限公司", "建设路1号\r\n二楼", "plain"], ["next", "a\nb", ""]], read.Rows);
    }

    [Fact]
    public async Task Blank_rows_at_the_end_are_left_out_and_one_between_rows_is_handed_out_as_a_blank_row()
    {
        var file = Files.Utf8(Files.Csv([Files.Registration(1), [",,,"], Files.Registration(2)]) + ",,,,,,,,,,,,\r\n   \r\n\r\n,\r\n");
        var read = await Files.ReadAsync(file, RowReaders.Csv);
        Assert.Equal([Files.Registration(1), [], Files.Registration(2)], read.Rows);
    }

    [Theory]
    [InlineData(3, "Row 3 has 14 cells", "第3行")]
    [InlineData(1, "The header has 14 columns", "表头")]
    public async Task A_row_wider_than_the_column_limit_rejects_the_file_naming_the_row(int wide, string reason, string reasonZh)
    {
        var lines = new[] { Files.RegistrationsHeader, string.Join(",", Files.Registration(1)), string.Join(",", Files.Registration(2)) };
        lines[wide - 1] += ",extra";
        await Refused.Saying(Files.Utf8(string.Join("\r\n", lines) + "\r\n"), RowReaders.Csv, new IngestOptions { MaxColumns = 13 }, reason, reasonZh);
    }

    [Fact]
    public async Task A_row_longer_than_the_row_limit_rejects_the_file_naming_the_row()
    {
        var rows = new[] { Files.Registration(1), Files.Registration(2), Files.Registration(3) };
        rows[2][9] = new string('路', 400);
        await Refused.Saying(Files.Utf8(Files.Csv(rows)), RowReaders.Csv, new IngestOptions { MaxRowChars = 300 },
            "Row 4 is longer than the limit of 300 characters", "第4行");
    }
}
