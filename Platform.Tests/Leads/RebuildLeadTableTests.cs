using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Leads;
using Platform.Comparisons.Leads;
using Platform.Tests.Support;

namespace Platform.Tests.Leads;

/// <summary>
/// The lead table rebuilt from the lead streams (<c>leads rebuild</c>): leads raised by real runs and worked through
/// their lifecycle come back row for row and read the same over GraphQL; a step that comes during a rebuild lands on the
/// rebuilt row; a rebuild while a run holds its rule's lock is refused and changes nothing.
/// </summary>
public sealed class RebuildLeadTableTests
{
    private const string Fields = "id rule ruleVersion subject period amountAtRisk status county office confirmation tax lateFee penalty taxPaid " +
                                  "lateFeePaid penaltyPaid evidence { records { template submissionId rowNumber recordKey agency } figures } history { event at by summary }";

    private static TestCandidate Candidate(int n, string county = "511302", decimal extra = 0m) =>
        new($"91{county}MA{n:D7}X", "2026-03", 1300.00m + n + extra, county, $"vat-{n}");

    private static async Task<JsonElement> DataAsync(HttpClient client, string field, string query, object? variables = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body.GetProperty("data").GetProperty(field);
    }

    /// <summary>Every row of the lead table, every column, as PostgreSQL writes it.</summary>
    private static async Task<List<string>> TableAsync(LeadsPlatform platform)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select to_jsonb(l)::text from {LeadTable.Name} l order by id", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private static async Task ExecuteAsync(LeadsPlatform platform, string sql)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int Exit, string Output)> RebuildAsync(LeadsPlatform platform)
    {
        using var output = new StringWriter();
        var exit = await RebuildLeadsCommand.RunAsync(platform.Services, output);
        return (exit, output.ToString().Trim());
    }

    /// <summary>A rebuild that answered done with <paramref name="leads"/> leads from <paramref name="events"/> events.</summary>
    private static void Rebuilt((int Exit, string Output) rebuilt, int leads, int events)
    {
        Assert.Equal(0, rebuilt.Exit);
        Assert.Matches($@"^Lead table rebuilt: {leads} leads from {events} events in \d+\.\d\d s\.$", rebuilt.Output);
    }

    [Fact]
    public async Task A_rebuild_from_the_events_gives_back_every_row_and_the_same_leads_over_GraphQL()
    {
        await using var platform = new LeadsPlatform();
        await platform.InitializeAsync();
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var officer = await platform.ClientForPersonAsync(new NewPerson("officer-rebuild", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        const string run = "mutation { runRule(rule: \"test-1\", asOf: \"2026-11-30\") { status raised updated closed } }";
        // Eight leads: seven in a county an office covers (assigned on raising), one outside every jurisdiction (raised only).
        await platform.PlantAsync("test-1", [.. Enumerable.Range(1, 7).Select(n => Candidate(n)), Candidate(8, "440305")]);
        Assert.Equal(8, (await DataAsync(analyst, "runRule", run)).GetProperty("raised").GetInt32());
        var ids = (await DataAsync(analyst, "leads", "{ leads(rule: \"test-1\") { nodes { id subject } } }")).GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("subject").GetString()!, n => n.GetProperty("id").GetString()!);
        string Id(int n, string county = "511302") => ids[Candidate(n, county).Subject];

        // Worked through the lifecycle: collected, dismissed, registered, under verification, assigned elsewhere.
        await DataAsync(officer, "startVerification", "mutation($id: String!) { startVerification(id: $id) { status } }", new { id = Id(1) });
        await DataAsync(officer, "confirmLead",
            "mutation($id: String!) { confirmLead(id: $id, kind: \"tax-assessed\", tax: 1000.00, penalty: 500, deadline: \"2026-11-20\") { status } }", new { id = Id(1) });
        await DataAsync(officer, "recordCollection",
            "mutation($id: String!) { recordCollection(id: $id, taxPaid: 1000.00, lateFeePaid: 5.00, penaltyPaid: 250, paidOn: \"2026-11-25\") { status } }", new { id = Id(1) });
        foreach (var n in new[] { 2, 3, 4 })
        {
            await DataAsync(officer, "startVerification", "mutation($id: String!) { startVerification(id: $id) { status } }", new { id = Id(n) });
        }
        await DataAsync(officer, "dismissLead", "mutation($id: String!) { dismissLead(id: $id, reason: \"已申报\") { status } }", new { id = Id(2) });
        await DataAsync(officer, "confirmLead",
            "mutation($id: String!) { confirmLead(id: $id, kind: \"taxpayer-registered\") { status } }", new { id = Id(3) });
        await DataAsync(analyst, "assignLead", "mutation($id: String!) { assignLead(id: $id, office: \"langzhong-office\") { office } }", new { id = Id(5) });
        // A second run: one lead's evidence changed (updated), one candidate gone (closed as corrected), one new.
        await ExecuteAsync(platform, $"update public.test_candidate set amount_at_risk = amount_at_risk + 77 where subject = '{Candidate(6).Subject}'");
        await ExecuteAsync(platform, $"delete from public.test_candidate where subject = '{Candidate(7).Subject}'");
        await platform.PlantAsync("test-1", Candidate(9));
        var second = await DataAsync(analyst, "runRule", run);
        Assert.Equal((1, 1, 1), (second.GetProperty("raised").GetInt32(), second.GetProperty("updated").GetInt32(), second.GetProperty("closed").GetInt32()));

        var table = await TableAsync(platform);
        var leadsQuery = $"{{ leads(rule: \"test-1\", first: 50) {{ totalCount nodes {{ {Fields} }} }} }}";
        var answer = (await DataAsync(analyst, "leads", leadsQuery)).ToString();
        Assert.Equal(9, table.Count);
        Assert.Equal(["Assigned", "Assigned", "Assigned", "ClosedAsCorrected", "Collected", "Confirmed", "Dismissed", "Raised", "UnderVerification"],
            table.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("status").GetString()).Order(StringComparer.Ordinal));

        // Corrupted (a status, an amount, a row gone), then emptied: each time the rebuild gives back the same table.
        await ExecuteAsync(platform, $"update {LeadTable.Name} set status = 'Raised', tax_paid = 0, office = null where id = '{Id(1)}'");
        await ExecuteAsync(platform, $"update {LeadTable.Name} set amount_at_risk = 0 where id = '{Id(6)}'");
        await ExecuteAsync(platform, $"delete from {LeadTable.Name} where id = '{Id(2)}'");
        Assert.NotEqual(table, await TableAsync(platform));
        var rebuilt = await RebuildAsync(platform);
        Rebuilt(rebuilt, 9, 28);
        Assert.Equal(table, await TableAsync(platform));

        await ExecuteAsync(platform, $"delete from {LeadTable.Name}");
        Assert.Equal(0, (await RebuildAsync(platform)).Exit);
        Assert.Equal(table, await TableAsync(platform));
        Assert.Equal(answer, (await DataAsync(analyst, "leads", leadsQuery)).ToString());

        // The rebuilt table goes on as before: a step and a run after it land on the rebuilt rows.
        await DataAsync(officer, "startVerification", "mutation($id: String!) { startVerification(id: $id) { status } }", new { id = Id(6) });
        Assert.Equal(0, (await DataAsync(analyst, "runRule", run)).GetProperty("raised").GetInt32());
    }

    [Fact]
    public async Task A_step_that_comes_during_a_rebuild_waits_for_it_and_lands_on_the_rebuilt_row()
    {
        await using var platform = new LeadsPlatform();
        await platform.InitializeAsync();
        await platform.MergeAsync("test-3", Candidate(31), Candidate(32));
        var officer = await platform.ClientForPersonAsync(new NewPerson("officer-during", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var id = (await DataAsync(analyst, "leads", "{ leads(rule: \"test-3\") { nodes { id } } }")).GetProperty("nodes")[0].GetProperty("id").GetString();

        // The events held back: the rebuild stops after emptying the table, before its first read of them.
        await using var events = new NpgsqlConnection(platform.ConnectionString);
        await events.OpenAsync();
        await using var hold = await events.BeginTransactionAsync();
        await using (var lockEvents = new NpgsqlCommand("lock table platform.mt_events in access exclusive mode", events, hold))
        {
            await lockEvents.ExecuteNonQueryAsync();
        }
        var rebuild = RebuildAsync(platform);
        await Eventually.Until(() => LockedAsync(platform, "lead", "AccessExclusiveLock"), "the rebuild holding the lead table");
        var step = DataAsync(officer, "startVerification", "mutation($id: String!) { startVerification(id: $id) { status } }", new { id });
        await Eventually.Until(async () => await WaitersAsync(platform) >= 2, "the step waiting behind the rebuild");
        await hold.CommitAsync();

        Rebuilt(await rebuild, 2, 4);
        Assert.Equal("under-verification", (await step).GetProperty("status").GetString());
        var afterStep = await TableAsync(platform);
        Assert.Equal("UnderVerification", afterStep.Select(r => JsonDocument.Parse(r).RootElement)
            .Single(r => r.GetProperty("id").GetString() == id).GetProperty("status").GetString());
        Rebuilt(await RebuildAsync(platform), 2, 5);
        Assert.Equal(afterStep, await TableAsync(platform));
    }

    /// <summary>Whether a session other than the asker's holds <paramref name="mode"/> on <c>platform.<paramref name="table"/></c>.</summary>
    private static async Task<bool> LockedAsync(LeadsPlatform platform, string table, string mode)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select exists (select 1 from pg_locks where relation = $1::regclass and mode = $2 and granted)", connection)
        {
            Parameters = { new() { Value = $"platform.{table}" }, new() { Value = mode } },
        };
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Sessions of the test's database waiting for a lock.</summary>
    private static async Task<long> WaitersAsync(LeadsPlatform platform)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(distinct pid) from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_rebuild_while_a_run_holds_its_rules_lock_is_refused_and_changes_nothing()
    {
        await using var platform = new LeadsPlatform();
        await platform.InitializeAsync();
        await platform.MergeAsync("test-2", Candidate(21), Candidate(22));
        var before = await TableAsync(platform);
        var (running, release) = await platform.HoldRunAsync("test-2");

        var refused = await RebuildAsync(platform);
        Assert.Equal(1, refused.Exit);
        Assert.Equal("Not rebuilt, nothing changed: a run of 'test-2' is under way. Wait until ruleRuns shows it completed or failed, " +
                     "then run 'leads rebuild' again.", refused.Output);
        Assert.Equal(before, await TableAsync(platform));

        release.SetResult();
        Assert.Equal(2, (await running).Closed);
        Rebuilt(await RebuildAsync(platform), 2, 6);
    }
}
