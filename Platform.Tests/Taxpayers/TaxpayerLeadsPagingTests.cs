using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Comparisons;
using Platform.Comparisons.Leads;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Taxpayers;

/// <summary>The platform with the test rules and a history of at most one record, so that one taxpayer's records overflow it.</summary>
public sealed class TaxpayerPagesPlatform : LeadsPlatform
{
    public TaxpayerPagesPlatform() => WithSetting("Taxpayers:MaxHistoryRecords", "1");
}

/// <summary>
/// GraphQL <c>taxpayer(subject:)</c> with more leads than a page: its <c>leads(first:, after:)</c> pages as <c>leads</c>
/// does, in the caller's reach, each page audited; and its records bounded by <c>Taxpayers:MaxHistoryRecords</c>.
/// </summary>
public sealed class TaxpayerLeadsPagingTests(TaxpayerPagesPlatform platform) : IClassFixture<TaxpayerPagesPlatform>
{
    private const string PageQuery = """
        query($subject: String!, $first: Int, $after: String) { taxpayer(subject: $subject, purpose: "核实线索") {
          leads(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id subject county evidence { records { agency } } } } } }
        """;

    private static string Subject(int n) => Files.Uscc(5300 + n, "511302");

    /// <summary>Leads of one subject, one a month from January 2021, in <paramref name="county"/> (a lead's county is the rule's, not always the key's).</summary>
    private static TestCandidate[] Leads(string subject, int count, int firstMonth = 0, string county = "511302") =>
        [.. Enumerable.Range(firstMonth, count).Select(m => new TestCandidate(subject, new DateOnly(2021, 1, 1).AddMonths(m).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), 100m + m,
            county, $"vat-{subject}-{m}"))];

    private static async Task<JsonElement> PostAsync(HttpClient client, string query, object? variables = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Page(JsonElement body)
    {
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body.GetProperty("data").GetProperty("taxpayer").GetProperty("leads");
    }

    private static (string? Code, string? Message) Error(JsonElement body) =>
        body.TryGetProperty("errors", out var errors)
            ? (errors[0].GetProperty("extensions").GetProperty("code").GetString(), errors[0].GetProperty("message").GetString())
            : (null, null);

    /// <summary>Every page from the first to the last, calling <paramref name="between"/> after the first; the totals each page gave.</summary>
    private static async Task<(List<JsonElement> Leads, List<int> Totals, int Pages)> WalkAsync(HttpClient client, string subject, int first,
        Func<Task>? between = null)
    {
        var leads = new List<JsonElement>();
        var totals = new List<int>();
        string? after = null;
        for (var pages = 1; ; pages++)
        {
            var page = Page(await PostAsync(client, PageQuery, new { subject, first, after }));
            totals.Add(page.GetProperty("totalCount").GetInt32());
            var nodes = page.GetProperty("nodes").EnumerateArray().ToList();
            Assert.InRange(nodes.Count, 1, first);
            leads.AddRange(nodes);
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
            {
                return (leads, totals, pages);
            }
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
            Assert.Equal(nodes[^1].GetProperty("id").GetString(), after);
            if (pages == 1 && between is not null)
            {
                await between();
            }
        }
    }

    private static List<string> Ids(IEnumerable<JsonElement> leads) => [.. leads.Select(l => l.GetProperty("id").GetString()!)];

    private Task<List<AuditEntry>> Audited(string subject) =>
        platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, subject, null, null, 1000, CancellationToken.None);

    [Fact]
    public async Task Pages_are_disjoint_complete_and_in_id_order_even_when_leads_are_raised_between_them()
    {
        var subject = Subject(1);
        await platform.MergeAsync("test-1", [.. Leads(subject, 11), .. Leads(Subject(2), 3)]);
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var (leads, totals, pages) = await WalkAsync(analyst, subject, 4, () => platform.MergeAsync("test-2", Leads(subject, 2, firstMonth: 40)));

        var ids = Ids(leads);
        Assert.Equal(13, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.All(leads, l => Assert.Equal(subject, l.GetProperty("subject").GetString()));
        Assert.Equal(11, totals[0]);
        Assert.All(totals.Skip(1), t => Assert.Equal(13, t));
        Assert.Equal(ids, Ids((await WalkAsync(analyst, subject, 5)).Leads));

        var audited = (await Audited(subject)).Where(e => e.Operation == TaxpayerHistoryQueryFields.AuditLeads).ToList();
        Assert.Equal(pages + 3, audited.Count);
        Assert.Equal(13L + 13L, audited.Sum(e => e.RowCount));
        Assert.All(audited, e => Assert.Equal(("demo-analyst", "核实线索"), (e.Actor, e.Purpose)));
    }

    [Fact]
    public async Task Without_first_a_page_holds_fifty_and_bounds_passed_are_refused_saying_what_to_ask()
    {
        var subject = Subject(3);
        await platform.MergeAsync("test-3", Leads(subject, 60));
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var page = Page(await PostAsync(analyst, PageQuery, new { subject }));
        Assert.Equal((60, 50, true), (page.GetProperty("totalCount").GetInt32(), page.GetProperty("nodes").GetArrayLength(),
            page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()));

        var max = platform.Services.GetRequiredService<ComparisonOptions>().MaxPageSize;
        foreach (var first in new[] { 0, max + 1 })
        {
            var (code, message) = Error(await PostAsync(analyst, PageQuery, new { subject, first }));
            Assert.Equal("INVALID", code);
            Assert.Contains($"first: 1 to {max} leads (Comparisons:MaxPageSize), not {first}", message, StringComparison.Ordinal);
        }
        var leads = Error(await PostAsync(analyst, "query($first: Int) { leads(rule: \"test-3\", first: $first) { totalCount } }", new { first = max + 1 }));
        Assert.Equal("INVALID", leads.Code);
        Assert.Contains("Comparisons:MaxPageSize", leads.Message, StringComparison.Ordinal);

        var (afterCode, afterMessage) = Error(await PostAsync(analyst, PageQuery, new { subject, after = "page-2" }));
        Assert.Equal("INVALID", afterCode);
        Assert.Contains("endCursor of the page before", afterMessage, StringComparison.Ordinal);
        Assert.Equal([50], (await Audited(subject)).Where(e => e.Operation == TaxpayerHistoryQueryFields.AuditLeads).Select(e => e.RowCount));
    }

    [Fact]
    public async Task An_officer_pages_only_the_leads_of_the_county_with_suppliers_masked_and_another_county_is_not_found()
    {
        var subject = Subject(4);
        await platform.MergeAsync("test-4", [.. Leads(subject, 5), .. Leads(subject, 2, firstMonth: 20, county: "511381")]);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var shunqing = await platform.ClientForPersonAsync(new NewPerson("paging.shunqing", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var langzhong = await platform.ClientForPersonAsync(new NewPerson("paging.langzhong", Roles.Officer, Office: "langzhong-office", Jurisdiction: "511381"));

        var all = await WalkAsync(analyst, subject, 3);
        Assert.Equal(7, Ids(all.Leads).Distinct().Count());
        Assert.All(all.Leads, l => Assert.Equal("finance", l.GetProperty("evidence").GetProperty("records")[0].GetProperty("agency").GetString()));

        var county = await WalkAsync(shunqing, subject, 2);
        Assert.All(county.Totals, t => Assert.Equal(5, t));
        Assert.Equal(Ids(all.Leads).Where((_, i) => all.Leads[i].GetProperty("county").GetString() == "511302"), Ids(county.Leads));
        Assert.All(county.Leads, l => Assert.Equal(Evidence.ThirdParty, l.GetProperty("evidence").GetProperty("records")[0].GetProperty("agency").GetString()));

        Assert.Equal("NOT_FOUND", Error(await PostAsync(langzhong, PageQuery, new { subject, first = 2 })).Code);
        Assert.DoesNotContain(await Audited(subject), e => e.Actor == "paging.langzhong");
    }

    [Fact]
    public async Task The_history_lists_at_most_MaxHistoryRecords_the_newest_and_counts_the_rest()
    {
        var uscc = Files.Uscc(5201, "511302");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted,
            (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(5201, "2026-03", county: "511302")])), period: "2026-03")).Status);
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var vat = $"uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on\r\n{uscc},2026-04,10000.00,130.00,,2026-05-10\r\n";
        Assert.Equal(SubmissionStatus.Accepted, (await bureau.SubmitAsync(Files.Utf8(vat), template: "vat-declarations", period: "2026-04")).Status);
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var body = await PostAsync(analyst, "query($s: String!) { taxpayer(subject: $s) { recordsLeftOut sources { templateId records { period } } } }", new { s = uscc });

        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        var taxpayer = body.GetProperty("data").GetProperty("taxpayer");
        Assert.Equal(1, taxpayer.GetProperty("recordsLeftOut").GetInt32());
        var source = Assert.Single(taxpayer.GetProperty("sources").EnumerateArray());
        Assert.Equal(("vat-declarations", "2026-04"), (source.GetProperty("templateId").GetString(),
            Assert.Single(source.GetProperty("records").EnumerateArray()).GetProperty("period").GetString()));
        var all = await PostAsync(analyst, "query($s: String!) { taxpayerRecords(subject: $s) { totalCount nodes { templateId } } }", new { s = uscc });
        Assert.Equal(2, all.GetProperty("data").GetProperty("taxpayerRecords").GetProperty("nodes").GetArrayLength());
        Assert.Equal(1L, Assert.Single(await Audited(uscc), e => e.Operation == TaxpayerHistoryQueryFields.AuditOperation).RowCount);
    }
}
