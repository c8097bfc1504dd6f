using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Taxpayers;

public sealed class TaxpayerFileTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task The_one_household_file_lists_a_taxpayers_records_across_agencies_with_corrections_marked_and_the_read_audited()
    {
        var uscc = Files.Uscc(4242);
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(4242, "2024-01")])), period: "2024-01")).Status);
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(4242, "2024-01", name: "更名后")])), period: "2024-01", mode: "correct")).Status);

        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var taxRegistration = $"uscc,name,legal_rep,registered,status,tax_office,division,period\r\n{uscc},更名后4242,张三,2015-07-01,正常,14101020000,410102,2024-01\r\n";
        Assert.Equal(SubmissionStatus.Accepted, (await bureau.SubmitAsync(Files.Utf8(taxRegistration), template: "tax-registrations", period: "2024-01")).Status);

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var page = await analyst.GetFromJsonAsync<TaxpayerRecordPage>($"/api/taxpayers/{uscc}/records");
        var records = page!.Records;
        Assert.Equal((3, 3, false), (records.Count, page.TotalCount, page.PageInfo.HasNextPage));
        Assert.Equal(["current", "superseded"], records.Where(r => r.Agency == "market-regulator").Select(r => r.State));
        Assert.Equal("更名后4242", records.First(r => r.Agency == "market-regulator").Values.GetProperty("name").GetString());
        Assert.Contains(records, r => r is { Agency: "tax-bureau", TemplateId: "tax-registrations", State: "current" });
        // A yearmonth comes back as it was sent, in the period, the values and the record key.
        Assert.All(records, r => Assert.Equal("2024-01", r.Period?.ToString()));
        Assert.All(records, r => Assert.Equal("2024-01", r.Values.GetProperty("period").GetString()));
        Assert.Equal($"{uscc}|2024-01", records.First(r => r.Agency == "market-regulator").RecordKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await regulator.GetAsync($"/api/taxpayers/{uscc}/records")).StatusCode);
        var entry = Assert.Single(await Audited(uscc));
        Assert.Equal(("demo-analyst", TaxpayerFile.AuditOperation, 3L), (entry.Actor, entry.Operation, entry.RowCount));
    }

    [Fact]
    public async Task Analysts_read_the_same_file_through_graphql_where_agencies_are_refused_and_each_read_is_audited()
    {
        var uscc = Files.Uscc(4343);
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(4343, "2024-02")])), period: "2024-02")).Status);
        var query = new { query = $"{{ taxpayerRecords(subject: \"{uscc}\") {{ nodes {{ agency templateId period state values {{ field value }} }} }} }}" };

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var answer = await analyst.PostAsJsonAsync("/graphql", query);
        var body = await answer.Content.ReadAsStringAsync();
        var record = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("taxpayerRecords").GetProperty("nodes").EnumerateArray());
        Assert.Equal(("market-regulator", "current", "2024-02"),
            (record.GetProperty("agency").GetString(), record.GetProperty("state").GetString(), record.GetProperty("period").GetString()));
        var values = record.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("field").GetString()!, v => v.GetProperty("value"));
        Assert.Equal("郑州测试商贸有限公司4343", values["name"].GetString());
        Assert.Equal(JsonValueKind.Null, values["deregistered"].ValueKind);
        Assert.Equal("2024-02", values["period"].GetString());

        using var refused = await regulator.PostAsJsonAsync("/graphql", query);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("FORBIDDEN", error.GetProperty("extensions").GetProperty("code").GetString());

        Assert.Equal(["demo-analyst"], (await Audited(uscc)).Select(a => a.Actor));
    }

    [Fact]
    public async Task Several_aliased_reads_in_one_query_are_answered_and_each_is_audited()
    {
        var serials = new[] { 4601, 4602, 4603 };
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(
            Files.Utf8(Files.Csv(serials.Select(s => Files.Registration(s, "2024-04")))), period: "2024-04")).Status);
        var aliases = serials.Select(s => $"t{s}: taxpayerRecords(subject: \"{Files.Uscc(s)}\") {{ nodes {{ agency state }} }}");

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var answer = await analyst.PostAsJsonAsync("/graphql", new { query = "{ " + string.Join(" ", aliases) + " }" });
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        foreach (var serial in serials)
        {
            var record = Assert.Single(body.GetProperty("data").GetProperty($"t{serial}").GetProperty("nodes").EnumerateArray());
            Assert.Equal("current", record.GetProperty("state").GetString());
        }

        var subjects = serials.Select(s => Files.Uscc(s)).ToList();
        var audit = new List<AuditEntry>();
        foreach (var subject in subjects)
        {
            audit.AddRange(await Audited(subject));
        }
        Assert.Equal(subjects.Order(), audit.Select(a => Assert.Single(a.Subjects)).Order());
    }

    [Fact]
    public async Task Each_taxpayer_read_weighs_in_the_complexity_bound_and_a_count_alone_is_audited_as_returning_no_record()
    {
        var uscc = Files.Uscc(4701);
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(4701, "2024-05")])), period: "2024-05")).Status);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        async Task<JsonElement> Ask(string query) =>
            JsonDocument.Parse(await (await analyst.PostAsJsonAsync("/graphql", new { query })).Content.ReadAsStringAsync()).RootElement;
        string Reads(int count) => "{ " + string.Concat(Enumerable.Range(0, count).Select(i => $"t{i}: taxpayer(subject: \"{uscc}\") {{ recordsLeftOut }} ")) + "}";

        Assert.False((await Ask(Reads(5))).TryGetProperty("errors", out var five), five.ToString());
        var twenty = await Ask(Reads(20));
        Assert.Contains("complex", twenty.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(1, (await Ask($"{{ taxpayerRecords(subject: \"{uscc}\") {{ totalCount }} }}")).GetProperty("data").GetProperty("taxpayerRecords")
            .GetProperty("totalCount").GetInt32());
        await Ask($"{{ taxpayerRecords(subject: \"{uscc}\") {{ nodes {{ state }} }} }}");
        var entries = (await Audited(uscc)).OrderBy(e => e.Seq).ToList();
        // Five history reads asking for no record, the count alone, then the page with its record; the refused request read nothing.
        Assert.Equal([.. Enumerable.Repeat((TaxpayerHistoryQueryFields.AuditOperation, 0L), 5), (TaxpayerFile.AuditOperation, 0L), (TaxpayerFile.AuditOperation, 1L)],
            entries.Select(e => (e.Operation, e.RowCount ?? -1)));
    }

    [Fact]
    public async Task A_subject_longer_than_any_key_is_refused_before_anything_is_read()
    {
        var subject = new string('9', TaxpayerFile.MaxSubjectChars + 1);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var rest = await analyst.GetAsync($"/api/taxpayers/{subject}/records");
        Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
        Assert.Contains("\"subject\"", await rest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var graphql = await analyst.PostAsJsonAsync("/graphql", new { query = $"{{ taxpayer(subject: \"{subject}\") {{ subject }} }}" });
        var error = JsonDocument.Parse(await graphql.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("INVALID", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains($"1 to {TaxpayerFile.MaxSubjectChars} characters", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await Audited(subject));
    }

    private Task<List<AuditEntry>> Audited(string subject) =>
        platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, subject, null, null, 100, CancellationToken.None);
}
