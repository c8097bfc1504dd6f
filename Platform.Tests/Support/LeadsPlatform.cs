using Microsoft.AspNetCore.Hosting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Comparisons;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;

namespace Platform.Tests.Support;

/// <summary>
/// A rule that is only its candidate query: it selects the rows a test put in <c>public.test_candidate</c> for its id.
/// Each test uses a rule of its own, so one test's leads are not closed as corrected by another's runs.
/// </summary>
public sealed class TestRule(string id) : IComparisonRule
{
    public string Id => id;
    public int Version => 1;
    public object Parameters { get; } = new { tolerance = 1.00m };
    public IReadOnlyList<string> Templates { get; } = ["business-registrations"];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of(
        $"select {CandidateTable.Columns} from public.test_candidate where rule = $2 and $1::date is not null", id);
}

/// <summary>One candidate as a test writes it: subject, period (yyyy-MM), amount, county and the records cited.</summary>
public sealed record TestCandidate(string Subject, string Period, decimal Amount, string County, params string[] RecordKeys)
{
    public string EvidenceJson => System.Text.Json.JsonSerializer.Serialize(new
    {
        records = RecordKeys.Select((key, i) => new { template = "vat-declarations", submission_id = $"sub-{key}", row_number = i + 2, record_key = key, agency = "finance" }),
        figures = new { declared = 100.00m, third = 100.00m + Amount },
    });
}

/// <summary>The platform with test rules <c>test-1</c> .. <c>test-21</c> beside the real ones.</summary>
public class LeadsPlatform : PlatformFactory
{
    public LeadsPlatform()
    {
    }

    private LeadsPlatform(LeadsPlatform other) : base(other)
    {
    }

    /// <summary>Another host on the same database and data directory, with the same test rules.</summary>
    public new LeadsPlatform Restarted() => new(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            foreach (var n in Enumerable.Range(1, 21))
            {
                services.AddSingleton<IComparisonRule>(new TestRule($"test-{n}"));
            }
        });
    }

    public RuleRunner Runner => Services.GetRequiredService<RuleRunner>();

    /// <summary>A schedule (and its runner) on its own options and clock, beside the host's, whose schedule is off.</summary>
    public RuleSchedule Schedule(ComparisonOptions options, TimeProvider? time = null)
    {
        var runner = new RuleRunner(Services.GetRequiredService<IDocumentStore>(), Services.GetRequiredService<NpgsqlDataSource>(),
            Services.GetRequiredService<RuleCatalog>(), Services.GetRequiredService<TaxOffices>(), options, time ?? TimeProvider.System);
        return new RuleSchedule(runner, Services.GetRequiredService<RuleCatalog>(), Services.GetRequiredService<IDocumentStore>(), new AcceptanceSignal(),
            options, time ?? TimeProvider.System, NullLogger<RuleSchedule>.Instance);
    }

    /// <summary>A run of <paramref name="rule"/> over exactly these candidates, through the engine's merge entry point.</summary>
    public Task<RuleRun> MergeAsync(string rule, params TestCandidate[] candidates) =>
        Runner.MergeAsync(rule, new DateOnly(2026, 11, 30), RunTrigger.OnDemand, "test", async (connection, transaction, ct) =>
        {
            await using var insert = Insert($"insert into {CandidateTable.Name} ({CandidateTable.Columns})", candidates, connection);
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(ct);
        }, default);

    /// <summary>
    /// A run of <paramref name="rule"/> without candidates, stopped once it holds the rule's lock until
    /// <c>Release</c> is completed: a run under way, as another host or the rebuild of the leads meets it.
    /// </summary>
    public async Task<(Task<RuleRun> Run, TaskCompletionSource Release)> HoldRunAsync(string rule, RunTrigger trigger = RunTrigger.OnDemand)
    {
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var run = Runner.MergeAsync(rule, new DateOnly(2026, 11, 30), trigger, "test", async (_, _, _) =>
        {
            entered.SetResult();
            await release.Task;
        }, default);
        if (await Task.WhenAny(entered.Task, run) == run)
        {
            await run; // refused or failed before it held the lock: its exception, not a wait forever
        }
        return (run, release);
    }

    /// <summary>Puts candidates where <see cref="TestRule"/> finds them, for runs through <c>runRule</c>.</summary>
    public async Task PlantAsync(string rule, params TestCandidate[] candidates)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(
            "create table if not exists public.test_candidate (rule text, subject text, period date, amount_at_risk numeric, base numeric, evidence jsonb, county text)",
            connection);
        await create.ExecuteNonQueryAsync();
        await using var insert = Insert($"insert into public.test_candidate (rule, {CandidateTable.Columns})", candidates, connection, rule);
        await insert.ExecuteNonQueryAsync();
    }

    private static NpgsqlCommand Insert(string into, TestCandidate[] candidates, NpgsqlConnection connection, string? rule = null) =>
        new($"{into} select {(rule is null ? "" : "$6, ")}s, p, a, null, e::jsonb, c from unnest($1::text[], $2::date[], $3::numeric[], $4::text[], $5::text[]) as u(s, p, a, e, c)",
            connection)
        {
            Parameters =
            {
                new() { Value = candidates.Select(c => c.Subject).ToArray() },
                new() { Value = candidates.Select(c => DateOnly.ParseExact(c.Period + "-01", "yyyy-MM-dd")).ToArray() },
                new() { Value = candidates.Select(c => c.Amount).ToArray() },
                new() { Value = candidates.Select(c => c.EvidenceJson).ToArray() },
                new() { Value = candidates.Select(c => c.County).ToArray() },
                new() { Value = rule ?? "" },
            },
        };
}
