using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Templates;
using Platform.Ingest.Processing;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Tests.Support;

namespace Platform.Tests.Records;

/// <summary>The typed views the comparisons read: a column per field, standing records only, changed at once by every mode.</summary>
public sealed class TypedRecordsTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    /// <summary>A view's rows of one template and period, by record key, as column name → value (null for SQL NULL).</summary>
    private async Task<Dictionary<string, Dictionary<string, object?>>> StandingAsync(string templateId, string period)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select * from {IngestRecords.TypedView(templateId).Name} where period = $1", connection)
        {
            Parameters = { new() { Value = Period.Parse(period).FirstDay } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
            rows.Add((string)row["record_key"]!, row);
        }
        return rows;
    }

    private static string Name(Dictionary<string, object?> registration) => (string)registration["name"]!;

    [Fact]
    public void Every_standard_template_has_a_typed_view_with_its_fields_after_the_records_columns()
    {
        Assert.Equal(StandardTemplates.All.Select(t => t.Descriptor.Id).Order(), IngestRecords.TypedViews.Select(v => v.TemplateId));
        var vat = IngestRecords.TypedView("vat-declarations");
        Assert.Equal("platform.standing_vat_declarations", vat.Name);
        Assert.Equal(
            ["agency text", "template_version integer", "submission_id text", "row_number integer", "record_key text", "subject_key text", "period date",
             "accepted_at timestamptz", "uscc text", "revenue numeric", "vat_paid numeric", "consumption_tax_paid numeric", "paid_on date"],
            vat.Columns.Select(c => $"{c.Name} {c.SqlType}"));
        Assert.Contains(new TypedViewColumn("transactions", "bigint"), IngestRecords.TypedView("pharmacy-card-sales").Columns);
        Assert.Throws<KeyNotFoundException>(() => IngestRecords.TypedView("supplier-payments"));
    }

    [Fact]
    public async Task A_submissions_records_appear_typed_with_null_for_empty_cells_and_the_period_as_its_first_day()
    {
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        const string period = "2021-03";
        var receipt = await bureau.SubmitAsync(Files.Utf8(
            "uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on\r\n" +
            $"{Files.Uscc(301)},{period},12345.60,0.5,,2021-04-10\r\n" +
            $"{Files.Uscc(302)},{period},10000,1600.00,12.5,\r\n"), template: "vat-declarations", period: period);
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);

        var rows = await StandingAsync("vat-declarations", period);
        var first = rows[$"{Files.Uscc(301)}|{period}"];
        Assert.Equal(["tax-bureau", 1, receipt.Id, 2, Files.Uscc(301), Files.Uscc(301)],
            [first["agency"], first["template_version"], first["submission_id"], first["row_number"], first["subject_key"], first["uscc"]]);
        Assert.Equal(new DateOnly(2021, 3, 1), first["period"]);
        Assert.Equal(("12345.60", "0.5"), (((decimal)first["revenue"]!).ToString(CultureInfo.InvariantCulture),
            ((decimal)first["vat_paid"]!).ToString(CultureInfo.InvariantCulture)));
        Assert.Null(first["consumption_tax_paid"]);
        Assert.Equal(new DateOnly(2021, 4, 10), first["paid_on"]);
        var second = rows[$"{Files.Uscc(302)}|{period}"];
        Assert.Equal((10000m, 1600.00m, 12.5m), ((decimal)second["revenue"]!, (decimal)second["vat_paid"]!, (decimal)second["consumption_tax_paid"]!));
        Assert.Null(second["paid_on"]);
    }

    [Fact]
    public async Task A_correction_a_void_and_a_replacement_show_in_the_view_at_once()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        const string period = "2016-04";
        string Key(int serial) => $"{Files.Uscc(serial)}|{period}";
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Registrations(4, period, first: 401), period: period)).Status);
        Assert.Equal([Key(401), Key(402), Key(403), Key(404)], (await StandingAsync("business-registrations", period)).Keys.Order());

        var corrected = await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(401, period, name: "更正", status: "注销")])),
            period: period, mode: "correct");
        Assert.Equal(SubmissionStatus.Accepted, corrected.Status);
        var afterCorrection = await StandingAsync("business-registrations", period);
        Assert.Equal(4, afterCorrection.Count);
        Assert.Equal(["更正401", "注销", corrected.Id], [Name(afterCorrection[Key(401)]), afterCorrection[Key(401)]["status"], afterCorrection[Key(401)]["submission_id"]]);

        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(
            Files.Utf8($"uscc,period\r\n{Files.Uscc(402)},{period}\r\n"), period: period, mode: "void")).Status);
        Assert.Equal([Key(401), Key(403), Key(404)], (await StandingAsync("business-registrations", period)).Keys.Order());

        var replaced = await regulator.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(403, period, name: "替换"), Files.Registration(405, period)])), period: period, mode: "replace");
        Assert.Equal(SubmissionStatus.Accepted, replaced.Status);
        var afterReplacement = await StandingAsync("business-registrations", period);
        Assert.Equal([Key(403), Key(405)], afterReplacement.Keys.Order());
        Assert.Equal("替换403", Name(afterReplacement[Key(403)]));
        Assert.All(afterReplacement.Values, r => Assert.Equal(replaced.Id, r["submission_id"]));
    }

    [Fact]
    public async Task A_version_adding_a_field_and_dropping_one_maps_to_the_typed_columns_by_name()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var pharmacies = await platform.ClientForAsync(Roles.Agency, "medical-insurance");
        const string period = "2022-05";
        Assert.Equal(SubmissionStatus.Accepted, (await pharmacies.SubmitAsync(Files.Utf8(
            $"uscc,pharmacy,period,card_sales,transactions\r\n{Files.Uscc(501)},仁和大药房,{period},8800.00,42\r\n"),
            template: "pharmacy-card-sales", period: period)).Status);

        var schema = TableSchemaJson.ToJson(StandardTemplates.All.Single(t => t.Descriptor.Id == "pharmacy-card-sales").Schema);
        var fields = schema["fields"]!.AsArray();
        fields.RemoveAt(4); // transactions
        fields.Add(new JsonObject { ["name"] = "terminal", ["title"] = "终端编号", ["type"] = "string", ["x-platform"] = new JsonObject { ["titleEn"] = "Terminal" } });
        using (var opened = await analyst.PostAsJsonAsync("/api/templates/pharmacy-card-sales/versions", new SchemaChangeRequest(schema, "增加终端编号")))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }
        foreach (var (client, step) in new[] { (analyst, "propose"), (pharmacies, "agree"), (analyst, "agree"), (await platform.ClientForAsync(Roles.Admin), "activate") })
        {
            using var response = await client.PostAsync($"/api/templates/pharmacy-card-sales/versions/2/{step}", null);
            Assert.True(response.IsSuccessStatusCode, $"{step}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal(SubmissionStatus.Accepted, (await pharmacies.SubmitAsync(Files.Utf8(
            $"uscc,pharmacy,period,card_sales,terminal\r\n{Files.Uscc(502)},同仁堂,{period},120.50,T-9\r\n"),
            template: "pharmacy-card-sales", version: 2, period: period)).Status);

        var rows = await StandingAsync("pharmacy-card-sales", period);
        var first = rows[$"{Files.Uscc(501)}|{period}"];
        var second = rows[$"{Files.Uscc(502)}|{period}"];
        Assert.Equal([1, "仁和大药房", 8800.00m, 42L], [first["template_version"], first["pharmacy"], first["card_sales"], first["transactions"]]);
        Assert.Equal([2, "同仁堂", 120.50m, null], [second["template_version"], second["pharmacy"], second["card_sales"], second["transactions"]]);
        Assert.DoesNotContain("terminal", second.Keys);
    }

    [Fact]
    public async Task Numbers_reach_postgresql_exactly_as_the_decimals_hold_them()
    {
        decimal[] numbers = [0m, 0.00m, 12.50m, -3.25m, 0.5m, 0.0001m, 10000m, 100000000.01m, 123456789012345678.9m, 79228162514264337593543950335m,
            -0.000000000000000000000000001m, 1e-28m, 99999999m, 1.0000m];
        using var rows = new CopyRows();
        foreach (var number in numbers)
        {
            rows.BeginRow(1);
            rows.Numeric(number);
        }
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("create temporary table numbers (n numeric)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY numbers (n) FROM STDIN (FORMAT BINARY)"))
        {
            await copy.WriteAsync(CopyRows.Header);
            await copy.WriteAsync(rows.Slice(0, rows.Position));
            await copy.WriteAsync(CopyRows.Trailer);
        }
        var read = new List<string>();
        await using var select = new NpgsqlCommand("select n::text from numbers", connection);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            read.Add(reader.GetString(0));
        }
        Assert.Equal(numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)), read);
    }
}

/// <summary>Typed rows of a submission that does not stand: nothing of it shows, and a refused one leaves none behind.</summary>
public sealed class TypedRecordsRefusedTests
{
    [Fact]
    public async Task A_file_refused_after_batches_were_written_and_rejected_rows_leave_no_typed_rows()
    {
        await using var platform = new PlatformFactory();
        platform.WithSetting("Ingest:BatchSize", "2").WithSetting("Ingest:MaxRowChars", "300");
        await ((IAsyncLifetime)platform).InitializeAsync();
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        const string period = "2018-02";
        var longRow = Files.Registration(606, period);
        longRow[9] = new string('路', 400);
        var refused = await regulator.SubmitAsync(
            Files.Utf8(Files.Csv([.. Enumerable.Range(601, 5).Select(i => Files.Registration(i, period)), longRow])), period: period);
        Assert.Equal(SubmissionStatus.Rejected, refused.Status);

        var wrongRow = Files.Registration(702, period);
        wrongRow[4] = "2015/6/1";
        var partly = await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(701, period), wrongRow])), period: period);
        Assert.Equal((SubmissionStatus.AcceptedWithErrors, 1), (partly.Status, partly.RowsAccepted));

        var typed = TypedTables.For("business-registrations")!;
        Assert.Equal(0L, await Ingested.ScalarAsync(platform.ConnectionString, $"select count(*) from {typed.Table} where submission_id = $1", refused.Id));
        Assert.Equal(1L, await Ingested.ScalarAsync(platform.ConnectionString, $"select count(*) from {typed.Table} where submission_id = $1", partly.Id));
        Assert.Equal(1L, await Ingested.ScalarAsync(platform.ConnectionString, $"select count(*) from {typed.View} where submission_id = $1", partly.Id));
    }
}
