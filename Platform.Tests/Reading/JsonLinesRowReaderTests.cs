using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Tests.Support;

namespace Platform.Tests.Reading;

/// <summary>JSON Lines as the reader hands it to the validator, without a host or a database.</summary>
public sealed class JsonLinesRowReaderTests
{
    [Fact]
    public async Task The_first_objects_keys_are_the_header_and_later_objects_are_matched_by_key_in_any_order()
    {
        var file = Files.Utf8("""
            {"uscc":"A1","name":"郑州商贸","registered_capital":"100.00"}
            {"registered_capital":250.5,"uscc":"A2","name":null}
            {"name":"洛阳","extra":true}
            """ + "\n");
        var read = await Files.ReadAsync(file, RowReaders.JsonLines);
        Assert.Equal("UTF-8", read.Encoding);
        Assert.Equal(["uscc", "name", "registered_capital"], read.Header);
        // A number keeps its JSON text, null is an empty cell, a missing key is empty, an unknown key comes after the header's.
        Assert.Equal([["A1", "郑州商贸", "100.00"], ["A2", "", "250.5"], ["", "洛阳", "", "true"]], read.Rows);
    }

    [Fact]
    public async Task A_gb18030_file_is_read_as_gb18030()
    {
        var read = await Files.ReadAsync(Files.Gb18030("{\"name\":\"洛阳牡丹瓷业\"}\r\n"), RowReaders.JsonLines);
        Assert.Equal("GB18030", read.Encoding);
        Assert.Equal(["洛阳牡丹瓷业"], Assert.Single(read.Rows));
    }

    [Fact]
    public async Task Blank_lines_and_empty_objects_at_the_end_are_left_out()
    {
        var read = await Files.ReadAsync(Files.Utf8("{\"uscc\":\"A1\",\"name\":\"x\"}\r\n\r\n{\"uscc\":\"\",\"name\":\" \"}\r\n{}\r\n  \r\n"), RowReaders.JsonLines);
        Assert.Equal(["A1", "x"], Assert.Single(read.Rows));
    }

    [Fact]
    public async Task An_object_with_more_keys_than_the_column_limit_rejects_the_file_naming_the_line()
    {
        var file = Files.Utf8("{\"a\":1,\"b\":2}\n{\"a\":1}\n\n{\"a\":1,\"b\":2,\"c\":3}\n");
        await Refused.Saying(file, RowReaders.JsonLines, new IngestOptions { MaxColumns = 2 }, "Line 4 has 3 cells", "第4行");
    }

    [Fact]
    public async Task A_line_longer_than_the_row_limit_rejects_the_file_naming_the_line()
    {
        var file = Files.Utf8("{\"a\":\"short\"}\r\n{\"a\":\"" + new string('路', 400) + "\"}\r\n");
        await Refused.Saying(file, RowReaders.JsonLines, new IngestOptions { MaxRowChars = 300 }, "Line 2 is longer than the limit of 300 characters", "第2行");
    }

    [Fact]
    public async Task A_line_that_is_not_an_object_rejects_the_file_naming_the_line()
    {
        await Refused.Saying(Files.Utf8("{\"a\":1}\n[1]\n"), RowReaders.JsonLines, new IngestOptions(), "Line 2 is not a JSON object", "第2行");
    }
}
