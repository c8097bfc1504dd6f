using System.Net;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Api.Submissions;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

public sealed class SubmitFileTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private Task<HttpClient> Regulator() => platform.ClientForAsync(Roles.Agency, "market-regulator");

    private async Task<T?> Scalar<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }
        return (T?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_valid_csv_is_accepted_and_its_records_are_held_with_their_submission_and_row()
    {
        var client = await Regulator();
        var receipt = await client.SubmitAsync(Files.Registrations(3, "2024-01", first: 100), period: "2024-01");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        Assert.Equal((3, 3, 0), (receipt.RowsRead, receipt.RowsAccepted, receipt.RowsRejected));
        Assert.Equal(64, receipt.Sha256.Length);
        Assert.Equal("UTF-8", receipt.Encoding);
        Assert.NotNull(receipt.CompletedAt);

        Assert.Equal(3L, await Scalar<long>("select count(*) from platform.standing_record where submission_id = $1 and not voided", receipt.Id));
        Assert.Equal(3, await Scalar<int>("select row_number from platform.ingest_record where submission_id = $1 and subject_key = $2",
            receipt.Id, Files.Uscc(101)));
    }

    [Fact]
    public async Task Bad_rows_are_rejected_row_by_row_with_an_error_report_in_json_and_in_csv_safe_for_excel()
    {
        var client = await Regulator();
        var rows = new[] { Files.Registration(200, "2024-02"), Files.Registration(201, "2024-02"), Files.Registration(202, "2024-02") };
        rows[1][4] = "2015/06/01";
        rows[2][1] = "=HYPERLINK(\"http://x\")";
        rows[2][5] = "=cmd";
        var receipt = await client.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2024-02");
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, receipt.Status);
        Assert.Equal((3, 1, 2), (receipt.RowsRead, receipt.RowsAccepted, receipt.RowsRejected));

        var errors = await client.ErrorsAsync(receipt.Id);
        Assert.Contains(errors!, e => e is { Row: 3, Field: "established", Code: "type-error", Value: "2015/06/01" });
        Assert.Contains(errors!, e => e is { Row: 4, Field: "status", Code: "constraint-error" });

        using var csv = await client.GetAsync($"/api/submissions/{receipt.Id}/errors?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]);
        Assert.Contains(",'=cmd", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd", text, StringComparison.Ordinal);

        using var xlsx = await client.GetAsync($"/api/submissions/{receipt.Id}/errors?format=xlsx");
        Assert.Equal(Spreadsheets.MediaType, xlsx.Content.Headers.ContentType?.MediaType);
        var workbook = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Contains(await Files.XlsxCellsAsync(workbook), row => row[1] == "status" && row[6] == "=cmd");
        Assert.DoesNotContain("<f>", Files.XlsxSheetXml(workbook), StringComparison.Ordinal); // text cells, never formulas
    }

    [Fact]
    public async Task An_agency_lists_its_own_submissions_newest_first_and_filters_them()
    {
        var client = await Regulator();
        var older = await client.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(700, "2019-01")])), period: "2019-01");
        var rows = new[] { Files.Registration(701, "2019-02"), Files.Registration(702, "2019-02") };
        rows[1][4] = "not a date";
        var newer = await client.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2019-02");

        var both = await client.GetFromJsonAsync<List<Receipt>>("/api/submissions?template=business-registrations&limit=500", SubmissionClient.Json);
        var mine = both!.Where(r => r.Period is "2019-01" or "2019-02").Select(r => r.Id).ToList();
        Assert.Equal([newer.Id, older.Id], mine);
        var withErrors = await client.GetFromJsonAsync<List<Receipt>>("/api/submissions?period=2019-02&status=accepted-with-errors", SubmissionClient.Json);
        Assert.Equal(newer.Id, Assert.Single(withErrors!).Id);
        Assert.Empty((await client.GetFromJsonAsync<List<Receipt>>("/api/submissions?period=2019-02&status=accepted", SubmissionClient.Json))!);

        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Empty((await finance.GetFromJsonAsync<List<Receipt>>("/api/submissions?period=2019-01", SubmissionClient.Json))!);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Assert.Equal(older.Id, Assert.Single((await analyst.GetFromJsonAsync<List<Receipt>>("/api/submissions?period=2019-01", SubmissionClient.Json))!).Id);

        using var bad = await client.GetAsync("/api/submissions?status=done&period=2019");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Contains("accepted-with-errors", problem, StringComparison.Ordinal);
        Assert.Contains("2024-03", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_as_received_is_downloadable_by_its_agency_with_its_digest()
    {
        var client = await Regulator();
        var bytes = Files.Gb18030(Files.Csv([Files.Registration(710, "2019-03", name: "原样保存")]));
        var receipt = await client.SubmitAsync(bytes, period: "2019-03");

        using var file = await client.GetAsync($"/api/submissions/{receipt.Id}/file");
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(bytes))}:",
            Assert.Single(file.Headers.GetValues("Repr-Digest")));

        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal(HttpStatusCode.NotFound, (await finance.GetAsync($"/api/submissions/{receipt.Id}/file")).StatusCode);
    }

    [Fact]
    public async Task A_gb18030_file_is_detected_and_its_chinese_text_kept_intact()
    {
        var client = await Regulator();
        var rows = new[] { Files.Registration(300, "2023-12", name: "洛阳牡丹瓷业股份有限公司") };
        var receipt = await client.SubmitAsync(Files.Gb18030(Files.Csv(rows)), period: "2023-12");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        Assert.Equal("GB18030", receipt.Encoding);
        Assert.Equal("洛阳牡丹瓷业股份有限公司300",
            await Scalar<string>("select record->>'name' from platform.standing_record where submission_id = $1", receipt.Id));
    }

    [Fact]
    public async Task An_xlsx_upload_is_read_from_its_first_sheet()
    {
        var client = await Regulator();
        var xlsx = Files.Xlsx(Files.RegistrationsHeader.Split(','), [Files.Registration(400, "2023-11"), Files.Registration(401, "2023-11")]);
        var receipt = await client.SubmitAsync(xlsx, period: "2023-11",
            mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        Assert.Equal(2, receipt.RowsAccepted);
        Assert.Equal("xlsx", receipt.Encoding);
    }

    [Fact]
    public async Task A_json_lines_upload_is_accepted()
    {
        var client = await Regulator();
        var receipt = await client.SubmitAsync(Files.JsonLines([Files.Registration(500, "2023-10")]), period: "2023-10",
            mediaType: "application/x-ndjson");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        Assert.Equal(1, receipt.RowsAccepted);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("uscc,name\r\n914101000000000011,x\r\n", "header")]
    [InlineData("uscc,nme,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period\r\n", "nme")]
    [InlineData(Files.RegistrationsHeader + "\r\n", "no data rows")]
    public async Task A_file_level_problem_rejects_the_whole_file_with_one_message(string content, string mentioned)
    {
        var client = await Regulator();
        var receipt = await client.SubmitAsync(Files.Utf8(content), period: "2022-01");
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains(mentioned, receipt.ReasonEn, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(receipt.Reason));
    }

    [Fact]
    public async Task A_file_in_no_readable_encoding_is_rejected()
    {
        var client = await Regulator();
        byte[] garbage = [.. Files.Utf8(Files.RegistrationsHeader + "\r\n"), 0xFF, 0xFF, 0xFE, 0x80, 0x0D, 0x0A];
        var receipt = await client.SubmitAsync(garbage, period: "2022-02");
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains("encoding", receipt.ReasonEn, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_agency_sending_to_another_agencys_template_is_rejected()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "finance");
        var receipt = await client.SubmitAsync(Files.Registrations(1, "2022-03"), period: "2022-03");
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains("finance", receipt.ReasonEn, StringComparison.Ordinal);
        Assert.Equal(0, receipt.RowsAccepted);
    }

    [Fact]
    public async Task An_unknown_template_a_missing_version_and_a_future_period_are_rejected()
    {
        var client = await Regulator();
        Assert.Equal(SubmissionStatus.Rejected, (await client.SubmitAsync(Files.Registrations(1, "2022-04"), template: "no-such", period: "2022-04")).Status);
        var version = await client.SubmitAsync(Files.Registrations(1, "2022-05"), version: 7, period: "2022-05");
        Assert.Contains("Version 7", version.ReasonEn, StringComparison.Ordinal);
        var future = await client.SubmitAsync(Files.Registrations(1, "2099-01"), period: "2099-01");
        Assert.Contains("2099-01", future.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_request_values_are_a_validation_problem_and_nothing_is_kept()
    {
        var client = await Regulator();
        var before = await Kept.ByAsync(platform);
        using var response = await client.SendAsync(Files.Registrations(1), period: "March", mode: "upsert");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("period", body, StringComparison.Ordinal);
        Assert.Contains("mode", body, StringComparison.Ordinal);
        Assert.Equal(before, await Kept.ByAsync(platform));
    }

    [Fact]
    public async Task Resending_the_same_bytes_returns_the_first_receipt_and_adds_nothing()
    {
        var client = await Regulator();
        var file = Files.Registrations(2, "2021-01", first: 600);
        var first = await client.SubmitAsync(file, period: "2021-01");
        var before = await Kept.ByAsync(platform);
        using var again = await client.SendAsync(file, period: "2021-01");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Id, (await SubmissionClient.ReceiptOf(again)).Id);
        Assert.Equal(before, await Kept.ByAsync(platform));
        Assert.Equal(2L, await Scalar<long>("select count(*) from platform.ingest_record where subject_key in ($1, $2)", Files.Uscc(600), Files.Uscc(601)));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_other_bytes_is_refused()
    {
        var client = await Regulator();
        var first = await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(1, "2021-02", first: 700), period: "2021-02", idempotencyKey: "batch-42"));
        using var same = await client.SendAsync(Files.Registrations(1, "2021-02", first: 700), period: "2021-02", idempotencyKey: "batch-42");
        Assert.Equal(first.Id, (await SubmissionClient.ReceiptOf(same)).Id);
        using var other = await client.SendAsync(Files.Registrations(1, "2021-02", first: 701), period: "2021-02", idempotencyKey: "batch-42");
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains(first.Id, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A form that does not read is a 400 saying so, never a 500 (attacker review, 2026-12-02).</summary>
    [Theory]
    [InlineData("overlong boundary")]
    [InlineData("no closing boundary")]
    [InlineData("boundary absent from the body")]
    public async Task A_form_that_does_not_read_is_a_400_naming_the_form(string broken)
    {
        var client = await Regulator();
        var boundary = broken == "overlong boundary" ? new string('b', 5_000) : "xyz";
        var body = broken switch
        {
            "no closing boundary" => "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nuscc,name\r\n",
            "boundary absent from the body" => "no boundary here at all",
            _ => $"--{boundary}\r\nContent-Disposition: form-data; name=\"template\"\r\n\r\nx\r\n--{boundary}--\r\n",
        };
        using var content = new StringContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var upload = await client.PostAsync("/api/submissions", content);
        using var batch = await (await platform.ClientForAsync(Roles.Agency, "finance")).PostAsync("/api/invoices/verify-batch",
            new StringContent(body) { Headers = { ContentType = content.Headers.ContentType } });

        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Contains("multipart", await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.Contains("cannot be read", await batch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(new string('b', 100), await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_form_with_the_values_as_fields_is_accepted()
    {
        var client = await Regulator();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("business-registrations"), "template" },
            { new StringContent("1"), "version" },
            { new StringContent("2021-03"), "period" },
            { new ByteArrayContent(Files.Registrations(2, "2021-03", first: 800)), "file", "登记.csv" },
        };
        using var response = await client.PostAsync("/api/submissions", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var receipt = await client.FinishedAsync((await SubmissionClient.ReceiptOf(response)).Id);
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        Assert.Equal("登记.csv", receipt.FileName);
    }

    [Fact]
    public async Task Another_agency_cannot_read_a_receipt()
    {
        var receipt = await (await Regulator()).SubmitAsync(Files.Registrations(1, "2021-04", first: 900), period: "2021-04");
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal(HttpStatusCode.NotFound, (await finance.GetAsync($"/api/submissions/{receipt.Id}")).StatusCode);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/submissions/{receipt.Id}")).StatusCode);
    }
}
