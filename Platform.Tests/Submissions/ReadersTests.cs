using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>
/// Malformed files and files built to exhaust the server end as a rejection that says what to fix, with memory
/// bounded; <c>failed</c> is kept for faults of the platform itself.
/// </summary>
public sealed class ReadersTests(ReadersTests.SmallSharedStrings platform) : IClassFixture<ReadersTests.SmallSharedStrings>
{
    /// <summary>Default limits, except a 1 MB shared-strings part, so that a workbook inflating beyond it stays quick to build.</summary>
    public sealed class SmallSharedStrings : PlatformFactory
    {
        public SmallSharedStrings() => WithSetting("Ingest:MaxXlsxSharedStringsBytes", "1048576");
    }

    private Task<HttpClient> Regulator() => platform.ClientForAsync(Roles.Agency, "market-regulator");

    private static string Period(int month) => $"2018-{month:D2}";

    private static string TemporaryFile(string extension) => TestDirectories.New("file") + extension;

    [Fact]
    public async Task The_example_workbook_is_accepted_by_a_fresh_host_that_has_read_no_other_file()
    {
        await using var fresh = new PlatformFactory();
        await ((IAsyncLifetime)fresh).InitializeAsync();
        var regulator = await fresh.ClientForAsync(Roles.Agency, "market-regulator");
        var workbook = await regulator.GetByteArrayAsync("/api/templates/business-registrations/versions/1/example.xlsx");

        // The example is for last month, by the host's clock.
        var lastMonth = DateTime.UtcNow.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var receipt = await regulator.SubmitAsync(workbook, period: lastMonth, mediaType: Spreadsheets.MediaType);
        Assert.Equal((SubmissionStatus.Accepted, 1), (receipt.Status, receipt.RowsAccepted));
    }

    /// <summary>
    /// The test process is shared: one test registering the code-page provider would make every later .xlsx test pass
    /// whether or not the platform registers it, and a culture or AppContext switch set by a test would hide what the
    /// server does without it. So the tests take GB18030 from the platform and set no process-wide state of their own.
    /// </summary>
    [Fact]
    public void No_test_sets_process_wide_state_that_would_hide_what_the_platform_lacks()
    {
        string[] settings =
        [
            nameof(Encoding.RegisterProvider) + "(", nameof(AppContext.SetSwitch) + "(", nameof(Environment.SetEnvironmentVariable) + "(",
            nameof(CultureInfo.DefaultThreadCurrentCulture) + " =", nameof(CultureInfo.DefaultThreadCurrentUICulture) + " =",
            nameof(CultureInfo.CurrentCulture) + " =", nameof(CultureInfo.CurrentUICulture) + " =",
        ];
        var setting = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "Platform.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => settings.Where(File.ReadAllText(f).Contains).Select(found => $"{Path.GetFileName(f)}: {found}"));
        Assert.Empty(setting);
    }

    [Theory]
    [InlineData("\"郑州未闭合引号有限公司", "Row 3")]
    [InlineData("\"郑州\"有限公司", "Row 3")]
    public async Task A_csv_with_a_quote_left_open_or_text_after_a_closing_quote_is_rejected_naming_the_row(string name, string row)
    {
        var rows = new[] { Files.Registration(10, Period(1)), Files.Registration(11, Period(1)), Files.Registration(12, Period(1)) };
        rows[1][1] = name;
        var receipt = await (await Regulator()).SubmitAsync(Files.Utf8(Files.Csv(rows)), period: Period(1));
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains(row, receipt.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("quote", receipt.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("第3行", receipt.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/csv", "Row 3", 2)]
    [InlineData("application/x-ndjson", "Line 2", 3)]
    public async Task A_nul_character_in_a_cell_is_rejected_naming_where_it_is_and_never_reaches_the_database(string mediaType, string where, int month)
    {
        var rows = new[] { Files.Registration(20, Period(month)), Files.Registration(21, Period(month)) };
        rows[1][1] = "郑州\0商贸";
        var file = mediaType == "text/csv" ? Files.Utf8(Files.Csv(rows)) : Files.JsonLines(rows.Select(r => r.Select(c => c.Replace("\0", "\\u0000", StringComparison.Ordinal)).ToArray()));
        var receipt = await (await Regulator()).SubmitAsync(file, period: Period(month), mediaType: mediaType);
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains(where, receipt.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("NUL", receipt.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blank_lines_at_the_end_of_a_file_are_not_row_errors_but_a_blank_line_in_the_middle_is()
    {
        var client = await Regulator();
        var rows = new[] { Files.Registration(30, Period(4)), Files.Registration(31, Period(4)) };
        var csv = await client.SubmitAsync(Files.Utf8(Files.Csv(rows) + "\r\n,,,,,,,,,,,,\r\n  \r\n,,,\r\n"), period: Period(4));
        Assert.Equal((SubmissionStatus.Accepted, 2, 0), (csv.Status, csv.RowsRead, csv.RowsRejected));

        var xlsx = await client.SubmitAsync(Files.Xlsx(Files.RegistrationsHeader.Split(','), [Files.Registration(32, Period(5)), [], ["", " "], []]),
            period: Period(5), mediaType: Spreadsheets.MediaType);
        Assert.Equal((SubmissionStatus.Accepted, 1, 0), (xlsx.Status, xlsx.RowsRead, xlsx.RowsRejected));

        var middle = await client.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(33, Period(6)), [",,,"], Files.Registration(34, Period(6))]) + "\r\n"),
            period: Period(6));
        Assert.Equal((SubmissionStatus.AcceptedWithErrors, 3, 1), (middle.Status, middle.RowsRead, middle.RowsRejected));
        Assert.Equal((3, "blank-row"), (Assert.Single(await client.ErrorsAsync(middle.Id)).Row, "blank-row"));
    }

    [Fact]
    public async Task A_workbook_that_inflates_beyond_the_limits_is_rejected_saying_which_limit()
    {
        var client = await Regulator();
        var cases = new[]
        {
            (Files.LongText.SharedStrings, 20_000_000L, "shared strings"),
            (Files.LongText.OneSharedString, 20_000_000L, "32,767 characters"),
            (Files.LongText.InlineCell, 1_000_000L, "32,767 characters"),
        };
        foreach (var (where, length, limit) in cases)
        {
            var workbook = TemporaryFile(".xlsx");
            try
            {
                Files.InflatingXlsx(workbook, where, length);
                var receipt = await client.SubmitAsync(await File.ReadAllBytesAsync(workbook), period: Period(7 + (int)where), mediaType: Spreadsheets.MediaType);
                Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
                Assert.Contains(limit, receipt.ReasonEn, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(workbook);
            }
        }

        var farColumn = await client.SubmitAsync(Files.XlsxWithCellAt("ZZZZZZ2"), period: Period(10), mediaType: Spreadsheets.MediaType);
        Assert.Equal(SubmissionStatus.Rejected, farColumn.Status);
        Assert.Contains("column", farColumn.ReasonEn, StringComparison.Ordinal);

        // Empty cells count: many in one row, or one that names a column far to the right (the reader keeps each, and
        // sizes every row by the furthest column; attacker review).
        var header = "<row r=\"1\">" + Files.XlsxText("uscc") + "</row>";
        var manyEmpty = await client.SubmitAsync(Files.XlsxOfRows(header + "<row r=\"2\">" + string.Concat(Enumerable.Repeat("<c/>", 5_000)) + "</row>"),
            period: "2017-01", mediaType: Spreadsheets.MediaType);
        var farEmpty = await client.SubmitAsync(Files.XlsxOfRows("<row r=\"1\"><c r=\"XFD1\"/></row><row r=\"100000\"><c r=\"A100000\"/></row>"),
            period: "2017-02", mediaType: Spreadsheets.MediaType);
        foreach (var refused in new[] { manyEmpty, farEmpty })
        {
            Assert.Equal(SubmissionStatus.Rejected, refused.Status);
            Assert.Contains("more than the limit of 1,000", refused.ReasonEn, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reading_a_huge_cell_or_a_huge_line_stops_at_the_limit_without_holding_it()
    {
        var workbook = TemporaryFile(".xlsx");
        var lines = TemporaryFile(".jsonl");
        try
        {
            Files.InflatingXlsx(workbook, Files.LongText.InlineCell, 40_000_000);
            using (var file = File.Create(lines))
            {
                file.Write("{\"uscc\":\""u8);
                var chunk = new byte[1 << 16];
                Array.Fill(chunk, (byte)'A');
                for (var i = 0; i < 40_000_000 / chunk.Length; i++)
                {
                    file.Write(chunk);
                }
            }
            foreach (var (path, mediaType) in new[] { (workbook, RowReaders.Xlsx), (lines, RowReaders.JsonLines) })
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var problem = Record.Exception(() =>
                {
                    using var reader = RowReaders.Open(path, mediaType, isUtf8: true, new IngestOptions());
                    while (reader.Read())
                    {
                    }
                });
                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.IsType<FileProblemException>(problem);
                Assert.True(allocated < 16 << 20, string.Create(CultureInfo.InvariantCulture, $"{mediaType}: {allocated:N0} bytes allocated"));
            }
        }
        finally
        {
            File.Delete(workbook);
            File.Delete(lines);
        }
    }

    [Theory]
    [InlineData("text/csv", 10)]
    [InlineData("application/x-ndjson", 11)]
    [InlineData(Spreadsheets.MediaType, 12)]
    public async Task A_header_of_thousands_of_columns_gets_a_short_reason(string mediaType, int month)
    {
        var header = Files.RegistrationsHeader.Split(',').Concat(Enumerable.Range(1, 4987).Select(i => $"extra_column_{i}")).ToArray();
        var row = Files.Registration(40, Period(month)).Concat(Enumerable.Repeat("x", 4987)).ToArray();
        var file = mediaType switch
        {
            "text/csv" => Files.Utf8(Files.Csv([row], string.Join(",", header))),
            Spreadsheets.MediaType => Files.Xlsx(header, [row]),
            _ => Files.Utf8("{" + string.Join(",", header.Select((h, i) => $"\"{h}\":\"{row[i]}\"")) + "}\n"),
        };
        var receipt = await (await Regulator()).SubmitAsync(file, period: Period(month), mediaType: mediaType);
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains("5,000 columns", receipt.ReasonEn, StringComparison.Ordinal);
        Assert.True(receipt.ReasonEn!.Length < 500 && receipt.Reason!.Length < 500, receipt.ReasonEn[..Math.Min(500, receipt.ReasonEn.Length)]);
    }

    [Fact]
    public async Task A_header_with_many_extra_columns_under_the_limit_lists_a_few_and_says_how_many()
    {
        var header = Files.RegistrationsHeader.Split(',').Concat(Enumerable.Range(1, 187).Select(i => $"extra_column_{i}")).ToArray();
        var row = Files.Registration(41, Period(12)).Concat(Enumerable.Repeat("x", 187)).ToArray();
        var receipt = await (await Regulator()).SubmitAsync(Files.Utf8(Files.Csv([row], string.Join(",", header))), period: Period(12));
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains("200 columns", receipt.ReasonEn, StringComparison.Ordinal);
        Assert.Contains("13", receipt.ReasonEn, StringComparison.Ordinal);
        Assert.True(receipt.ReasonEn!.Length < 1500, receipt.ReasonEn);
    }

    [Fact]
    public async Task A_multipart_form_with_an_oversized_field_or_too_many_parts_is_refused()
    {
        var client = await Regulator();
        static MultipartFormDataContent Form(string period, int serial) => new()
        {
            { new StringContent("business-registrations"), "template" },
            { new StringContent("1"), "version" },
            { new StringContent(period), "period" },
            { new ByteArrayContent(Files.Registrations(1, period, first: serial)), "file", $"{serial}.csv" },
        };

        using var oversized = Form("2017-01", 50);
        oversized.Add(new StringContent(new string('x', 100_000)), "note");
        using var refused = await client.PostAsync("/api/submissions", oversized);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'note'", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        using var many = Form("2017-02", 51);
        for (var i = 0; i < 500; i++)
        {
            many.Add(new StringContent("x"), $"field{i}");
        }
        using var tooMany = await client.PostAsync("/api/submissions", many);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("parts", (await tooMany.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
    }
}
