using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

public sealed class VerifyInvoiceBatchTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task A_json_batch_gets_one_answer_per_line_in_order_with_mixed_results_and_each_lookup_audited()
    {
        var good = IssuedInvoices.Legacy(7201);
        var voided = IssuedInvoices.Legacy(7202, status: "作废");
        await IssuedInvoices.SendAsync(platform, [good, voided]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        object[] batch =
        [
            IssuedInvoices.Lookup(good),
            IssuedInvoices.Lookup(good, amount: "999.99"),
            new { code = "4100191130", number = "07209999", issueDate = "2024-05-15", checkCodeLast6 = "123456" },
            new { code = "41", number = "7201x", issueDate = "2024-05-15" },
            IssuedInvoices.Lookup(voided),
        ];

        using var response = await agency.PostAsJsonAsync("/api/invoices/verify-batch", batch);
        var lines = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([1, 2, 3, 4, 5], lines.Select(l => l.GetProperty("line").GetInt32()));
        Assert.Equal(["consistent", "inconsistent", "not-found", "malformed", "consistent"], lines.Select(l => l.GetProperty("result").GetString()));
        Assert.Equal(["amountExcludingTax"], lines[1].GetProperty("mismatched").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["code", "number", "amountExcludingTax"], lines[3].GetProperty("problems").EnumerateObject().Select(p => p.Name));
        Assert.True(lines[4].GetProperty("invoice").GetProperty("voided").GetBoolean());

        Assert.Equal([LookupAudit.Operation("consistent"), LookupAudit.Operation("inconsistent")],
            (await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(good[0], good[1]), 2)).Select(e => e.Operation));
        Assert.Single(await IssuedInvoices.AuditedAsync(platform, "4100191130|07209999", 1));
        // Entries are written in the order of the lookups: once the last line's is there, a malformed line's would be too.
        Assert.Single(await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(voided[0], voided[1]), 1));
        Assert.Empty(await platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, "41|07201", null, null, 100, default));
    }

    [Fact]
    public async Task A_batch_is_answered_as_a_workbook_of_text_cells_and_an_unknown_format_is_refused_before_anything_is_counted()
    {
        var row = IssuedInvoices.Legacy(7205, code: "041001911300");
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        object[] batch = [IssuedInvoices.Lookup(row)];

        using var refused = await agency.PostAsJsonAsync("/api/invoices/verify-batch?format=xls", batch);
        using var workbook = await agency.PostAsJsonAsync("/api/invoices/verify-batch?format=xlsx", batch);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("format=json, csv or xlsx", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        var cells = await Files.XlsxCellsAsync(await workbook.Content.ReadAsByteArrayAsync());
        Assert.Equal(["序号 line", "发票代码 code", "发票号码 number", "查验结果 result", "结论 verdict"], cells[0].Take(5));
        Assert.Equal(["1", "041001911300", "00007205", "consistent", "一致 / consistent"], cells[1].Take(5)); // leading zeros kept: text cells
        Assert.Single(await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(row[0], row[1]), 1)); // the refused request counted nothing

        // A JSON answer put in a workbook afterwards (the portal's download): the same lines, nothing looked up again.
        using var json = await agency.PostAsJsonAsync("/api/invoices/verify-batch", batch);
        var answer = await json.Content.ReadAsStringAsync();
        using var rendered = await agency.PostAsync("/api/invoices/verify-batch/answers?format=xlsx", new StringContent(answer, Encoding.UTF8, "application/json"));
        using var garbage = await agency.PostAsync("/api/invoices/verify-batch/answers", new StringContent("{\"x\":1}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
        var again = await Files.XlsxCellsAsync(await rendered.Content.ReadAsByteArrayAsync());
        Assert.Equal(["1", "041001911300", "00007205", "consistent", "一致 / consistent"], again[1].Take(5));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(2, (await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(row[0], row[1]), 2)).Count);
    }

    /// <summary>A clerk's reimbursement sheet saved by Chinese Excel as plain CSV: GB18030, Chinese headings, columns of its own (clerk review).</summary>
    [Fact]
    public async Task A_sheet_with_chinese_headings_and_columns_of_its_own_saved_as_gb18030_is_read()
    {
        var row = IssuedInvoices.Legacy(7204);
        await IssuedInvoices.SendAsync(platform, [row]);
        var csv = "报销人,发票代码,*发票号码,开票日期,不含税金额（元）,备注,\r\n" + // a required mark and a unit, as sheets write them
                  ",,,,,,\r\n" + // a blank row: the invoice is on the sheet's row 3
                  $"张三,{row[0]},{row[1]},{row[2]},{row[5]},差旅,\r\n";
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        using var content = new ByteArrayContent(Platform.Ingest.Reading.RowReaders.Gb18030.GetBytes(csv));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        using var response = await agency.PostAsync("/api/invoices/verify-batch", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        Assert.Equal(("consistent", 1, 3), (line.GetProperty("result").GetString(), line.GetProperty("line").GetInt32(), line.GetProperty("row").GetInt32()));
    }

    /// <summary>A reimbursement list made for printing: its title and who made it above the header, in CSV and in a workbook.</summary>
    [Fact]
    public async Task Title_rows_above_the_header_are_passed_over_and_the_rows_keep_the_sheet_s_numbers()
    {
        var row = IssuedInvoices.Legacy(7209);
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var csv = "2026年11月差旅费报销发票清单,,,,\r\n" +
                  "制表：财务科 王芳 2026-11-30\r\n" + // a row of another width
                  "报销人,发票代码,发票号码,开票日期,不含税金额\r\n" +
                  $"张三,{row[0]},{row[1]},{row[2]},{row[5]}\r\n";
        using var fromCsv = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, fromCsv.StatusCode);
        var line = Assert.Single(JsonDocument.Parse(await fromCsv.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal(("consistent", 4), (line.GetProperty("result").GetString(), line.GetProperty("row").GetInt32()));

        // Excel's "Unicode text" (tabs) under a title without any: the separator is told by the header's line.
        var tsv = $"差旅费报销发票清单\r\n报销人\t发票代码\t发票号码\t开票日期\t不含税金额\r\n张三\t{row[0]}\t{row[1]}\t{row[2]}\t{row[5]}\r\n";
        using var fromTsv = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(tsv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, fromTsv.StatusCode);
        line = Assert.Single(JsonDocument.Parse(await fromTsv.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal(("consistent", 3), (line.GetProperty("result").GetString(), line.GetProperty("row").GetInt32()));

        var workbook = Files.Xlsx(["2026年11月差旅费报销发票清单"],
            [[""], ["报销人", "发票代码", "发票号码", "开票日期", "不含税金额"], ["张三", row[0], row[1], row[2], row[5]]]);
        using var xlsx = new ByteArrayContent(workbook);
        xlsx.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Platform.Ingest.Reading.RowReaders.Xlsx);
        using var fromWorkbook = await agency.PostAsync("/api/invoices/verify-batch", xlsx);
        Assert.Equal(HttpStatusCode.OK, fromWorkbook.StatusCode);
        line = Assert.Single(JsonDocument.Parse(await fromWorkbook.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal(("consistent", 4), (line.GetProperty("result").GetString(), line.GetProperty("row").GetInt32()));

        // A header below more title rows than that is not looked for: the sheet is refused, saying where it should be.
        var deep = string.Concat(Enumerable.Repeat("备注\r\n", VerifyInvoiceBatch.MaxTitleRows + 1)) + "number,issueDate\r\n00000001,2024-05-15\r\n";
        using var refused = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(deep, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith($"A header naming at least number and issueDate must be among the first {VerifyInvoiceBatch.MaxTitleRows + 1} rows",
            JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("header")[1].GetString(), StringComparison.Ordinal);
    }

    /// <summary>A clerk's sheet sent as it is: an .xlsx workbook, or a file field of a form (a browser, <c>curl -F</c>).</summary>
    [Fact]
    public async Task A_workbook_or_a_form_s_file_is_read_as_a_batch_and_an_xls_workbook_is_told_to_be_saved_as_xlsx()
    {
        var row = IssuedInvoices.Legacy(7207);
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var workbook = Files.Xlsx(["报销人", "发票代码", "发票号码", "开票日期", "不含税金额"],
            [["张三", row[0], row[1], row[2], row[5]], ["", "", "", "", ""], ["李四", row[0], "00000001", row[2], "1.00"]]);
        using var xlsx = new ByteArrayContent(workbook);
        xlsx.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Platform.Ingest.Reading.RowReaders.Xlsx);

        using var fromWorkbook = await agency.PostAsync("/api/invoices/verify-batch", xlsx);

        Assert.Equal(HttpStatusCode.OK, fromWorkbook.StatusCode);
        var lines = JsonDocument.Parse(await fromWorkbook.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal([("consistent", 2), ("not-found", 4)], lines.Select(l => (l.GetProperty("result").GetString(), l.GetProperty("row").GetInt32())));

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Files.Utf8($"code,number,issueDate,amountExcludingTax\r\n{row[0]},{row[1]},{row[2]},{row[5]}\r\n"));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(new StringContent("note"), "comment");
        form.Add(file, "file", "reimbursements.csv");
        using var fromForm = await agency.PostAsync("/api/invoices/verify-batch", form);
        Assert.Equal(HttpStatusCode.OK, fromForm.StatusCode);
        Assert.Equal("consistent", Assert.Single(JsonDocument.Parse(await fromForm.Content.ReadAsStringAsync()).RootElement.EnumerateArray())
            .GetProperty("result").GetString());

        using var xls = new ByteArrayContent([0xD0, 0xCF, 0x11, 0xE0]);
        xls.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.ms-excel");
        using var refused = await agency.PostAsync("/api/invoices/verify-batch", xls);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("save it as .xlsx", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(),
            StringComparison.Ordinal);
    }

    /// <summary>
    /// What Excel does to a sheet's cells (clerk review, 2026-12-02): a date in Chinese Excel's built-in long date format
    /// is a date, not its serial number; a 20-digit number typed into a General cell has lost its last digits and says so,
    /// rather than being looked up as a different invoice.
    /// </summary>
    [Fact]
    public async Task A_workbook_s_chinese_dates_are_dates_and_a_20_digit_number_excel_rounded_is_malformed_not_another_invoice()
    {
        var row = IssuedInvoices.Legacy(7208);
        await IssuedInvoices.SendAsync(platform, [row]);
        var serial = (DateOnly.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue) - new DateTime(1899, 12, 30)).Days;
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var sheet = "<row r=\"1\">" + Files.XlsxText("发票代码") + Files.XlsxText("发票号码") + Files.XlsxText("开票日期") + Files.XlsxText("不含税金额") + "</row>" +
                    $"<row r=\"2\">{Files.XlsxText(row[0])}{Files.XlsxText(row[1])}<c s=\"2\"><v>{serial}</v></c><c><v>{row[5]}</v></c></row>" +
                    $"<row r=\"3\"><c/><c><v>25510000000000121001</v></c><c s=\"2\"><v>{serial}</v></c><c><v>{row[5]}</v></c></row>";
        using var xlsx = new ByteArrayContent(Files.XlsxOfRows(sheet));
        xlsx.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Platform.Ingest.Reading.RowReaders.Xlsx);

        using var response = await agency.PostAsync("/api/invoices/verify-batch", xlsx);

        var lines = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(["consistent", "malformed"], lines.Select(l => l.GetProperty("result").GetString()));
        Assert.Contains("科学计数法", lines[1].GetProperty("problems").GetProperty("number")[0].GetString(), StringComparison.Ordinal);
    }

    /// <summary>The same invoice twice in one reimbursement batch is a claim made twice: each repeat names the first (clerk review).</summary>
    [Fact]
    public async Task A_repeated_invoice_in_a_batch_names_the_row_it_repeats()
    {
        var row = IssuedInvoices.Legacy(7209);
        await IssuedInvoices.SendAsync(platform, [row]);
        var csv = "报销人,发票代码,发票号码,开票日期,不含税金额\r\n" +
                  $"张三,{row[0]},{row[1]},{row[2]},{row[5]}\r\n" +
                  ",,,,\r\n" +
                  $"李四,{row[0]},{row[1]},{row[2]},{row[5]}\r\n";
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        using var json = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(csv, Encoding.UTF8, "text/csv"));
        using var sheet = await agency.PostAsync("/api/invoices/verify-batch?format=csv", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var lines = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.False(lines[0].TryGetProperty("sameAs", out var first) && first.ValueKind != JsonValueKind.Null);
        Assert.Equal(1, lines[1].GetProperty("sameAs").GetInt32());
        var answer = (await sheet.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Contains("与第 2 行是同一张发票（重复报销？）", answer[2], StringComparison.Ordinal); // the sheet's row 2, the batch's line 1
    }

    /// <summary>A small workbook must not cost more than a sheet of a batch's size (attacker review, 2026-12-02).</summary>
    [Fact]
    public async Task A_workbook_numbering_rows_far_beyond_a_batch_or_full_of_empty_cells_is_refused_before_it_is_read()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var header = "<row r=\"1\">" + Files.XlsxText("number") + Files.XlsxText("issueDate") + "</row>";
        foreach (var (rows, says) in new[]
                 {
                     ("<row r=\"500000\">" + Files.XlsxText("00000001") + "</row>", "beyond the limit of 11,000 rows"),
                     ("<row r=\"2\">" + string.Concat(Enumerable.Repeat("<c/>", 200_000)) + "</row>", "more than the limit of 100"),
                 })
        {
            using var xlsx = new ByteArrayContent(Files.XlsxOfRows(header + rows));
            xlsx.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Platform.Ingest.Reading.RowReaders.Xlsx);
            using var refused = await agency.PostAsync("/api/invoices/verify-batch", xlsx);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(says, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_csv_batch_is_answered_as_csv_for_excel_with_formulas_neutralised()
    {
        var red = IssuedInvoices.Legacy(7203, amount: "-50.00", status: "红冲");
        var voided = IssuedInvoices.Legacy(7206, status: "作废");
        await IssuedInvoices.SendAsync(platform, [red, voided]);
        var csv = "code,number,issueDate,amountExcludingTax\r\n" +
                  $"{red[0]},{red[1]},{red[2]},-50.00\r\n" +
                  "=HYPERLINK(\"http://x\"),00000001,2024-05-15,1.00\r\n" +
                  $"{red[0]},{red[1]},2024-05-14,-50.00\r\n" +
                  $"{voided[0]},{voided[1]},{voided[2]},{voided[5]}\r\n";
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/invoices/verify-batch?format=csv")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };

        using var response = await agency.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("序号 line,发票代码 code,发票号码 number,查验结果 result,结论 verdict,不符项 mismatched,已作废 voided,红字发票 redLetter",
            lines[0], StringComparison.Ordinal);
        // Voided and red-letter invoices are consistent (issued as asked); the verdict says not to pay them.
        Assert.StartsWith($"1,{red[0]},{red[1]},consistent,红字发票（冲销原票），不可报销 / red-letter (reversing) invoice: do not reimburse,,false,true,legacy,2024-05-15,{red[3]},",
            lines[1], StringComparison.Ordinal);
        Assert.Contains(",-50.00,130.00,80.00,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2,\"'=HYPERLINK(\"\"http://x\"\")\",00000001,malformed,格式有误，见“问题”列 / malformed: see problems,", lines[2], StringComparison.Ordinal);
        Assert.StartsWith($"3,{red[0]},{red[1]},inconsistent,与第 2 行是同一张发票（重复报销？）/ same invoice as row 2 (claimed twice?)；不一致：开票日期 / inconsistent: issueDate,issueDate,",
            lines[3], StringComparison.Ordinal);
        Assert.StartsWith($"4,{voided[0]},{voided[1]},consistent,发票已作废，不可报销 / voided: do not reimburse,,true,false,", lines[4], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/csv", "code,number,issue_date\r\n4100191130,00000001,2024-05-15\r\n", "header", "A header naming at least number and issueDate must be among the first 11 rows")]
    [InlineData("text/csv", "number,issueDate,number\r\n00000001,2024-05-15,00000002\r\n", "header", "Column 'number' names number a second time")]
    [InlineData("text/csv", "", "body", "The batch is empty")]
    [InlineData("text/csv", "code,number,issueDate\r\n\"4100191130,00000001,2024-05-15\r\n", "body", "Row 2 of the file (the first is 1) is not CSV")]
    [InlineData("text/csv", "code,number,issueDate\r\n4100191130,\"000\"00001,2024-05-15\r\n", "body", "Row 2 of the file (the first is 1) is not CSV")]
    [InlineData("application/json", """{"code":"4100191130"}""", "body", "Send a JSON array of lookups")]
    public async Task A_batch_of_the_wrong_shape_is_a_validation_problem_naming_what_to_fix(string mediaType, string body, string field, string says)
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        using var response = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(body, Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        // Chinese first, for the clerk; then English.
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", errors.GetProperty(field)[0].GetString());
        Assert.StartsWith(says, errors.GetProperty(field)[1].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_line_too_long_for_the_reader_is_a_validation_problem_naming_its_record()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var body = "code,number,issueDate\r\n4100191130,00000001,2024-05-15\r\n4100191130," + new string('1', 600_000) + ",2024-05-15\r\n";

        using var response = await agency.PostAsync("/api/invoices/verify-batch", new StringContent(body, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Row 3 of the file (the first is 1) is too long",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("body")[1].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7211, ",")] // Excel's CSV saved as UTF-16
    [InlineData(7212, "\t")] // Excel's "Unicode text": UTF-16, cells separated by tabs
    public async Task A_batch_saved_as_unicode_text_with_excels_blank_trailing_rows_is_read_line_for_line(int serial, string separator)
    {
        var sent = IssuedInvoices.Legacy(serial);
        await IssuedInvoices.SendAsync(platform, [sent]);
        var csv = string.Join(separator, "code", "number", "issueDate", "amountExcludingTax") + "\r\n" + string.Join(separator, sent[0], sent[1], sent[2], sent[5]) +
                  "\r\n" + string.Join(separator, "", "", "", "") + "\r\n" + string.Join(separator, " ", " ", "", "") + "\r\n\r\n";
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var utf16 = new ByteArrayContent([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(csv)]);
        utf16.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        using var response = await agency.PostAsync("/api/invoices/verify-batch", utf16);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["consistent"], lines.EnumerateArray().Select(l => l.GetProperty("result").GetString()));
    }

    [Fact]
    public async Task A_batch_of_more_than_a_thousand_invoices_is_refused_before_any_lookup()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var lookups = Enumerable.Range(0, 1001).Select(i => new { code = "4100191130", number = $"{7300000 + i:D8}", issueDate = "2024-05-15", amountExcludingTax = "1" });

        using var response = await agency.PostAsJsonAsync("/api/invoices/verify-batch", lookups);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A lookup after the refusal: entries are written in the order of the lookups, so once its entry is there, any
        // entry of the refused batch would be too.
        var marker = IssuedInvoices.Legacy(7399);
        await agency.VerifyAsync(IssuedInvoices.Lookup(marker));
        Assert.Single(await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(marker[0], marker[1]), 1));
        Assert.Empty(await platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, "4100191130|07300000", null, null, 100, default));
    }
}
