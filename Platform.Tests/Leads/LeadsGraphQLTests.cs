using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Leads;
using Platform.Comparisons.Leads;
using Platform.Tests.Support;

namespace Platform.Tests.Leads;

/// <summary>Leads over GraphQL as analysts, officers and the other roles use them: runs, pages, the lifecycle, masking, audit, statements per page.</summary>
public sealed class LeadsGraphQLTests(LeadsPlatform platform) : IClassFixture<LeadsPlatform>
{
    private const string Fields = "id rule subject period amountAtRisk status county office evidence { records { template submissionId rowNumber recordKey agency } figures } history { event at by summary }";

    private static TestCandidate Candidate(int n, string county = "511302") =>
        new($"91{county}MA{n:D7}X", "2026-03", 1300.00m + n, county, $"vat-{n}");

    private static async Task<JsonElement> PostAsync(HttpClient client, string query, object? variables = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Data(JsonElement body, string field)
    {
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body.GetProperty("data").GetProperty(field);
    }

    private static string? ErrorCode(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private static string? ErrorMessage(JsonElement body) => body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("message").GetString() : null;

    private static async Task<JsonElement> RunAsync(HttpClient analyst, string rule) =>
        Data(await PostAsync(analyst, "mutation($rule: String!) { runRule(rule: $rule, asOf: \"2026-11-30\") { id rule raised updated closed unchanged asOf trigger parameters } }",
            new { rule }), "runRule");

    private Task<HttpClient> OfficerAsync(string username, string county, string office) =>
        platform.ClientForPersonAsync(new NewPerson(username, Roles.Officer, Office: office, Jurisdiction: county));

    [Fact]
    public async Task An_analyst_runs_a_rule_and_reads_the_run_and_its_leads()
    {
        await platform.PlantAsync("test-11", Candidate(1), Candidate(2, "511381"));
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var run = await RunAsync(analyst, "test-11");
        Assert.Equal((2, 0, 0, "2026-11-30", "on-demand"), (run.GetProperty("raised").GetInt32(), run.GetProperty("updated").GetInt32(),
            run.GetProperty("closed").GetInt32(), run.GetProperty("asOf").GetString(), run.GetProperty("trigger").GetString()));
        Assert.Contains("tolerance", run.GetProperty("parameters").GetString(), StringComparison.Ordinal);
        var again = await RunAsync(analyst, "test-11");
        Assert.Equal((0, 2), (again.GetProperty("raised").GetInt32(), again.GetProperty("unchanged").GetInt32()));

        var runs = Data(await PostAsync(analyst, "{ ruleRuns(rule: \"test-11\") { id raised } }"), "ruleRuns");
        Assert.Equal([again.GetProperty("id").GetString(), run.GetProperty("id").GetString()], runs.EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        var page = Data(await PostAsync(analyst, $"{{ leads(rule: \"test-11\", period: \"2026-03\") {{ totalCount nodes {{ {Fields} }} }} }}"), "leads");
        Assert.Equal(2, page.GetProperty("totalCount").GetInt32());
        var first = page.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("county").GetString() == "511302");
        Assert.Equal(("2026-03", "assigned", "511302", "shunqing-office", "finance"), (first.GetProperty("period").GetString(), first.GetProperty("status").GetString(),
            first.GetProperty("county").GetString(), first.GetProperty("office").GetString(),
            first.GetProperty("evidence").GetProperty("records")[0].GetProperty("agency").GetString()));
        Assert.Equal(["lead-raised", "lead-assigned"], first.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));

        var one = Data(await PostAsync(analyst, "query($id: String!) { lead(id: $id) { subject } }", new { id = first.GetProperty("id").GetString() }), "lead");
        Assert.Equal(first.GetProperty("subject").GetString(), one.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_run_goes_forward_in_time_and_only_an_analyst_of_the_whole_city_runs_one()
    {
        await platform.PlantAsync("test-21", Candidate(211));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Assert.Equal(1, (await RunAsync(analyst, "test-21")).GetProperty("raised").GetInt32());

        // As of a day before the last run, the run would find nothing and close the lead as corrected away.
        var earlier = await PostAsync(analyst, "mutation { runRule(rule: \"test-21\", asOf: \"0001-01-01\") { closed } }");
        Assert.Equal("INVALID", ErrorCode(earlier));
        Assert.Contains("was as of 2026-11-30", ErrorMessage(earlier), StringComparison.Ordinal);
        var future = await PostAsync(analyst, "mutation { runRule(rule: \"test-21\", asOf: \"9999-12-31\") { closed } }");
        Assert.Equal("INVALID", ErrorCode(future));
        Assert.Contains("after today", ErrorMessage(future), StringComparison.Ordinal);
        var county = await platform.ClientForPersonAsync(new NewPerson("county.runner", Roles.Analyst, Office: "shunqing-office", Jurisdiction: "511302"));
        var refused = await PostAsync(county, "mutation { runRule(rule: \"test-21\") { closed } }");
        Assert.Equal("FORBIDDEN", ErrorCode(refused));
        Assert.Contains("whole city (5113)", ErrorMessage(refused), StringComparison.Ordinal);

        var page = Data(await PostAsync(analyst, "{ leads(rule: \"test-21\") { nodes { status } } }"), "leads");
        Assert.Equal(["assigned"], page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("status").GetString()));
        var runs = Data(await PostAsync(analyst, "{ ruleRuns(rule: \"test-21\") { id } }"), "ruleRuns");
        Assert.Single(runs.EnumerateArray());
        // The run that happened is in the audit trail with who set it off; the refused ones are not.
        var trail = await (await platform.ClientForAsync(Roles.Admin)).GetFromJsonAsync<JsonElement>("/api/audit?subject=test-21");
        var entry = Assert.Single(trail.EnumerateArray(), e => e.GetProperty("operation").GetString() == Platform.Api.Runs.RunRule.AuditOperation);
        Assert.Equal(["test-21", runs[0].GetProperty("id").GetString()], entry.GetProperty("subjects").EnumerateArray().Select(x => x.GetString()));
        var negative = await PostAsync(analyst, "{ ruleRuns(rule: \"test-21\", first: -5) { id } }");
        Assert.Equal("INVALID", ErrorCode(negative));
        Assert.Contains("first: 1 to 200 runs", ErrorMessage(negative), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_is_not_waited_for_goes_on_without_the_request_and_shows_in_ruleRuns_when_done()
    {
        await platform.PlantAsync("test-20", Candidate(201), Candidate(202), Candidate(203));
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var run = Data(await PostAsync(analyst, "mutation { runRule(rule: \"test-20\", asOf: \"2026-11-30\", wait: false) { id status finishedAt raised } }"), "runRule");
        Assert.Equal(("running", JsonValueKind.Null, 0), (run.GetProperty("status").GetString(), run.GetProperty("finishedAt").ValueKind,
            run.GetProperty("raised").GetInt32()));

        var id = run.GetProperty("id").GetString();
        JsonElement done = default;
        for (var poll = 0; poll < 300 && done.ValueKind != JsonValueKind.Object; poll++)
        {
            var runs = Data(await PostAsync(analyst, "{ ruleRuns(rule: \"test-20\") { id status finishedAt raised } }"), "ruleRuns");
            done = runs.EnumerateArray().SingleOrDefault(r => r.GetProperty("id").GetString() == id && r.GetProperty("status").GetString() != "running");
            await Task.Delay(100);
        }
        Assert.Equal(("completed", 3), (done.GetProperty("status").GetString(), done.GetProperty("raised").GetInt32()));
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("finishedAt").ValueKind);
        Assert.Equal(3, Data(await PostAsync(analyst, "{ leads(rule: \"test-20\") { totalCount } }"), "leads").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_run_waited_for_is_answered_completed_with_its_counts()
    {
        await platform.PlantAsync("test-15", Candidate(151));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var run = Data(await PostAsync(analyst, "mutation { runRule(rule: \"test-15\", asOf: \"2026-11-30\") { status raised failure } }"), "runRule");
        Assert.Equal(("completed", 1, JsonValueKind.Null), (run.GetProperty("status").GetString(), run.GetProperty("raised").GetInt32(),
            run.GetProperty("failure").ValueKind));
    }

    [Fact]
    public async Task Unknown_rules_and_unknown_statuses_are_said_plainly()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Assert.Equal("NOT_FOUND", ErrorCode(await PostAsync(analyst, "mutation { runRule(rule: \"no-such-rule\") { id } }")));
        Assert.Equal("INVALID", ErrorCode(await PostAsync(analyst, "{ leads(status: \"open-ish\") { totalCount } }")));
        Assert.Equal("INVALID", ErrorCode(await PostAsync(analyst, "{ leads(period: \"2026-13\") { totalCount } }")));
    }

    [Fact]
    public async Task Paging_walks_every_lead_once_with_the_cursor()
    {
        await platform.MergeAsync("test-12", [.. Enumerable.Range(1, 7).Select(n => Candidate(n))]);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = Data(await PostAsync(analyst, "query($after: String) { leads(rule: \"test-12\", first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }",
                new { after }), "leads");
            Assert.Equal(7, page.GetProperty("totalCount").GetInt32());
            seen.AddRange(page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
            {
                break;
            }
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task An_officer_of_the_county_works_a_lead_to_collection_and_sees_the_supplier_masked()
    {
        await platform.MergeAsync("test-13", Candidate(31));
        var officer = await OfficerAsync("officer-shunqing", "511302", "shunqing-office");
        var page = Data(await PostAsync(officer, $"{{ leads(rule: \"test-13\") {{ totalCount nodes {{ {Fields} }} }} }}"), "leads");
        var lead = Assert.Single(page.GetProperty("nodes").EnumerateArray());
        var record = lead.GetProperty("evidence").GetProperty("records")[0];
        Assert.Equal((Evidence.ThirdParty, "", 0, "vat-31"), (record.GetProperty("agency").GetString(), record.GetProperty("submissionId").GetString(),
            record.GetProperty("rowNumber").GetInt32(), record.GetProperty("recordKey").GetString()));

        var id = lead.GetProperty("id").GetString();
        Assert.Equal("under-verification", Data(await PostAsync(officer, "mutation($id: String!) { startVerification(id: $id) { status } }", new { id }),
            "startVerification").GetProperty("status").GetString());
        var confirmed = Data(await PostAsync(officer,
            "mutation($id: String!) { confirmLead(id: $id, kind: \"tax-assessed\", tax: 1000.00, penalty: 500, deadline: \"2026-11-20\") { status tax lateFee penalty confirmation evidence { records { agency } } } }",
            new { id }), "confirmLead");
        Assert.Equal(("confirmed", "tax-assessed", Evidence.ThirdParty), (confirmed.GetProperty("status").GetString(),
            confirmed.GetProperty("confirmation").GetString(), confirmed.GetProperty("evidence").GetProperty("records")[0].GetProperty("agency").GetString()));
        Assert.Equal(1000.00m, confirmed.GetProperty("tax").GetDecimal());
        var collected = Data(await PostAsync(officer,
            "mutation($id: String!) { recordCollection(id: $id, taxPaid: 1000.00, lateFeePaid: 5.00, paidOn: \"2026-11-01\") { status taxPaid history { event by } } }",
            new { id }), "recordCollection");
        Assert.Equal("collected", collected.GetProperty("status").GetString());
        Assert.Equal(["lead-raised", "lead-assigned", "verification-started", "lead-confirmed", "lead-collected"],
            collected.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var named = Data(await PostAsync(analyst, "query($id: String!) { lead(id: $id) { status evidence { records { agency } } } }", new { id }), "lead");
        Assert.Equal(("collected", "finance"), (named.GetProperty("status").GetString(),
            named.GetProperty("evidence").GetProperty("records")[0].GetProperty("agency").GetString()));
    }

    [Fact]
    public async Task An_officer_of_another_county_sees_none_of_its_leads_and_working_one_is_told_there_is_no_such_lead()
    {
        await platform.MergeAsync("test-14", Candidate(41));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var id = Data(await PostAsync(analyst, "{ leads(rule: \"test-14\") { nodes { id } } }"), "leads").GetProperty("nodes")[0].GetProperty("id").GetString();

        var other = await OfficerAsync("officer-langzhong", "511381", "langzhong-office");
        Assert.Equal(0, Data(await PostAsync(other, "{ leads(rule: \"test-14\") { totalCount } }"), "leads").GetProperty("totalCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, Data(await PostAsync(other, "query($id: String!) { lead(id: $id) { id } }", new { id }), "lead").ValueKind);
        // Answered as an id that names no lead: the refusal tells nothing of the lead or its county.
        var refused = await PostAsync(other, "mutation($id: String!) { startVerification(id: $id) { status } }", new { id });
        var unknown = await PostAsync(other, "mutation($id: String!) { startVerification(id: $id) { status } }", new { id = "no-such-lead" });
        Assert.Equal(("NOT_FOUND", "NOT_FOUND"), (ErrorCode(refused), ErrorCode(unknown)));
        Assert.Equal(ErrorMessage(unknown)!.Replace("no-such-lead", id, StringComparison.Ordinal), ErrorMessage(refused));

        // An officer's client without an office or jurisdiction reaches no lead at all.
        var noOffice = await platform.ClientForAsync(Roles.Officer);
        Assert.Equal(0, Data(await PostAsync(noOffice, "{ leads(rule: \"test-14\") { totalCount } }"), "leads").GetProperty("totalCount").GetInt32());
        // Analysts assign; officers may not.
        Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(other, "mutation($id: String!) { assignLead(id: $id, office: \"langzhong-office\") { office } }", new { id })));
        Assert.Equal("langzhong-office", Data(await PostAsync(analyst, "mutation($id: String!) { assignLead(id: $id, office: \"langzhong-office\") { office } }", new { id }),
            "assignLead").GetProperty("office").GetString());
        Assert.Equal(1, Data(await PostAsync(other, "{ leads(rule: \"test-14\") { totalCount } }"), "leads").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Leaders_administrators_and_agencies_reach_no_lead_and_run_no_rule()
    {
        foreach (var client in new[]
                 {
                     await platform.ClientForAsync(Roles.Leader), await platform.ClientForAsync(Roles.Admin),
                     await platform.ClientForAsync(Roles.Agency, "market-regulator"),
                 })
        {
            Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(client, "{ leads { totalCount } }")));
            Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(client, "{ ruleRuns { id } }")));
            Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(client, "mutation { runRule(rule: \"test-15\") { id } }")));
            Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(client, "mutation { dismissLead(id: \"x\", reason: \"r\") { id } }")));
        }
        Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(await platform.ClientForAsync(Roles.Officer), "mutation { runRule(rule: \"test-15\") { id } }")));
    }

    [Fact]
    public async Task Every_read_of_leads_is_audited_with_the_subjects_and_rows_returned()
    {
        await platform.MergeAsync("test-16", Candidate(61), Candidate(62));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        await PostAsync(analyst, "{ leads(rule: \"test-16\") { nodes { id } } }");
        var entries = await platform.Services.GetRequiredService<AuditTrail>().QueryAsync(platform.DemoClient(Roles.Analyst).ClientId, null, null, null, 50, default);
        var read = entries.First(e => e.Operation == ReadLeads.AuditPage);
        Assert.Equal(2, read.RowCount);
        Assert.Equal([Candidate(61).Subject, Candidate(62).Subject], read.Subjects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Assigning_a_lead_to_the_office_it_has_changes_nothing_and_is_audited_as_a_read_of_the_lead_it_returns()
    {
        await platform.MergeAsync("test-19", Candidate(81));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var id = Data(await PostAsync(analyst, "{ leads(rule: \"test-19\") { nodes { id } } }"), "leads").GetProperty("nodes")[0].GetProperty("id").GetString();
        const string Assign = "mutation($id: String!) { assignLead(id: $id, office: \"langzhong-office\") { subject office evidence { records { recordKey } } history { event } } }";
        var audit = platform.Services.GetRequiredService<AuditTrail>();
        async Task<List<string>> OperationsOnTheLead() =>
            [.. (await audit.QueryAsync(null, Candidate(81).Subject, null, null, 50, default)).OrderBy(e => e.Seq).Select(e => e.Operation)];

        var first = Data(await PostAsync(analyst, Assign, new { id }), "assignLead");
        var before = await OperationsOnTheLead();
        var again = Data(await PostAsync(analyst, Assign, new { id }), "assignLead");

        Assert.Equal(Candidate(81).Subject, again.GetProperty("subject").GetString());
        Assert.Equal([.. before, ReadLeads.AuditOne], await OperationsOnTheLead());
        Assert.Equal(first.GetProperty("history").GetArrayLength(), again.GetProperty("history").GetArrayLength()); // no event appended
    }

    [Fact]
    public async Task A_page_asked_for_its_count_and_cursors_only_returns_no_lead_and_is_not_audited_as_a_read_of_them()
    {
        await platform.MergeAsync("test-18", Candidate(71));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var audit = platform.Services.GetRequiredService<AuditTrail>();
        async Task<int> ReadsOfTheLead() => (await audit.QueryAsync(null, Candidate(71).Subject, null, null, 50, default)).Count(e => e.Operation == ReadLeads.AuditPage);

        Assert.Equal(1, Data(await PostAsync(analyst, "{ leads(rule: \"test-18\") { totalCount pageInfo { hasNextPage endCursor } } }"), "leads")
            .GetProperty("totalCount").GetInt32());
        var afterCount = await ReadsOfTheLead();
        Data(await PostAsync(analyst, "{ leads(rule: \"test-18\") { ...page } } fragment page on LeadPage { nodes { id } }"), "leads");

        Assert.Equal((0, 1), (afterCount, await ReadsOfTheLead()));
    }

    [Fact]
    public async Task Each_page_of_leads_weighs_in_the_complexity_bound_whatever_is_selected_of_it()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        string Pages(int count) => "{ " + string.Concat(Enumerable.Range(0, count).Select(i => $"p{i}: leads(first: 1) {{ totalCount }} ")) + "}";

        var ten = await PostAsync(analyst, Pages(10));
        var fifty = await PostAsync(analyst, Pages(50));

        Assert.Null(ErrorCode(ten));
        Assert.Contains("complex", ErrorMessage(fifty), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_page_of_a_hundred_leads_with_evidence_and_history_costs_as_many_statements_as_a_page_of_ten()
    {
        await platform.MergeAsync("test-17", [.. Enumerable.Range(100, 120).Select(n => Candidate(n))]);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        using var statements = new RequestStatements(platform);

        async Task<int> StatementsForPageOf(int first)
        {
            statements.Clear();
            var page = Data(await PostAsync(analyst, $"{{ leads(rule: \"test-17\", first: {first}) {{ totalCount nodes {{ {Fields} }} }} }}"), "leads");
            Assert.Equal(first, page.GetProperty("nodes").GetArrayLength());
            Assert.All(page.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(2, n.GetProperty("history").GetArrayLength()));
            return statements.Count;
        }

        await StatementsForPageOf(10);
        var ten = await StatementsForPageOf(10);
        var hundred = await StatementsForPageOf(100);
        Assert.Equal(ten, hundred);
        // The token's check, the page, the audit entry and the histories: a handful, whatever the page size.
        Assert.InRange(hundred, 3, 8);
    }
}
