using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Runs;
using Platform.Tests.Support;

namespace Platform.Tests.Runs;

/// <summary>
/// A run whose host dies before it ends: the rule's lock goes with the host's connection and nothing of the run stands,
/// but its record says running until the next run of the rule, on another host, records it failed and why.
/// </summary>
public sealed class StoppedHostRunTests
{
    private const string Rule = "test-1";
    private static readonly DateOnly AsOf = new(2026, 11, 30);
    private static readonly TestCandidate Shop = new("91511302MA0000001X", "2026-03", 1300.00m, "511302", "r1");
    private static readonly TestCandidate Closed = Shop with { Subject = "91511302MA0000002X", RecordKeys = ["r2"] };
    private static readonly TestCandidate Changed = Shop with { RecordKeys = ["r1", "r3"] };
    private static readonly TestCandidate[] New = [Shop with { Subject = "91511302MA0000003X" }, Shop with { Subject = "91511302MA0000004X" }];

    [Fact]
    public async Task The_next_run_on_another_host_records_a_run_whose_host_died_as_failed_and_its_leads_are_neither_lost_nor_doubled()
    {
        await using var first = new LeadsPlatform();
        await first.InitializeAsync();
        await using var second = first.Restarted();
        var before = await first.MergeAsync(Rule, Shop, Closed);
        Assert.Equal(2, before.Raised);
        await first.PlantAsync(Rule, [Changed, .. New]);

        // The run is held where it writes its leads: their events are in its transaction, one of the streams it updates is locked.
        var shop = (await LeadsAsync(first)).Single(l => l.Subject == Shop.Subject);
        await using var holder = new NpgsqlConnection(first.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "select 1 from platform.mt_streams where id = $1 for update", shop.Id);
        RuleRun? started = null;
        var dying = first.Runner.RunAsync(Rule, AsOf, RunTrigger.OnDemand, "first-host", default, run => started = run);
        await Eventually.Until(async () => dying.IsCompleted || await CountAsync(first.ConnectionString,
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%'") == 1,
            "the first host's run to wait on the locked lead stream");
        Assert.False(dying.IsCompleted, "The run ended before it reached the locked stream.");
        Assert.Equal(RunStatus.Running, (await RecordedAsync(first, started!.Id)).Status);
        Assert.Equal(RunStatus.Running, (await ListedAsync(first, started.Id)).Status);

        // The first host dies: it loses the database at once, so nothing it does after this lands (not even its catch's failed record).
        await CutAsync(first.ConnectionString, holder.ProcessID, () => Assert.ThrowsAnyAsync<Exception>(() => dying));
        await hold.RollbackAsync();
        var left = await RecordedAsync(second, started.Id);
        Assert.Equal((RunStatus.Running, (string?)null), (left.Status, left.Failure));
        // The rule's lock went with the run's connection (its backend ends a moment after the host hears of it).
        await Eventually.Until(async () => await CountAsync(first.ConnectionString, $"""
            select count(*) from pg_locks l join pg_database d on d.oid = l.database
             where l.locktype = 'advisory' and d.datname = current_database() and l.objsubid = 1
               and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('rule:{Rule}', 0)
            """) == 0, "the rule's lock to be free");
        // From then on ruleRuns shows it failed, though its record says running until the next run.
        var shown = await ListedAsync(second, started.Id);
        Assert.Equal((RunStatus.Failed, RuleRun.Lost), (shown.Status, shown.Failure));

        var next = await second.Runner.RunAsync(Rule, AsOf, RunTrigger.OnDemand, "second-host", default);
        Assert.Equal((RunStatus.Completed, 3, 2, 1, 1), (next.Status, next.Candidates, next.Raised, next.Updated, next.Closed));

        var stopped = await RecordedAsync(second, started.Id);
        Assert.Equal((RunStatus.Failed, next.StartedAt), (stopped.Status, stopped.FinishedAt));
        Assert.Contains($"no run of this rule was alive when run {next.Id} started", stopped.Failure, StringComparison.Ordinal);
        Assert.Contains("raised, updated and closed no lead", stopped.Failure, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Completed, (await RecordedAsync(second, before.Id)).Status);
        Assert.Equal(stopped.Failure, (await ListedAsync(second, started.Id)).Failure);

        var leads = await LeadsAsync(second);
        Assert.Equal(
            [(Shop.Subject, LeadStatus.Assigned, 2), (Closed.Subject, LeadStatus.ClosedAsCorrected, 1), (New[0].Subject, LeadStatus.Assigned, 1),
             (New[1].Subject, LeadStatus.Assigned, 1)],
            leads.Select(l => (l.Subject, l.Status, l.Evidence.Records.Count)).Order());
        await using var session = second.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(4, await session.Events.QueryRawEventDataOnly<LeadRaised>().CountAsync(e => e.Rule == Rule));
        Assert.Equal(0, await session.Events.QueryRawEventDataOnly<LeadRaised>().CountAsync(e => e.RunId == started.Id));
        Assert.Equal(0, await session.Events.QueryRawEventDataOnly<LeadEvidenceUpdated>().CountAsync(e => e.RunId == started.Id));
        Assert.Equal(0, await session.Events.QueryRawEventDataOnly<LeadClosedAsCorrected>().CountAsync(e => e.RunId == started.Id));
        Assert.Equal((1, 1), (await session.Events.QueryRawEventDataOnly<LeadEvidenceUpdated>().CountAsync(e => e.RunId == next.Id),
            await session.Events.QueryRawEventDataOnly<LeadClosedAsCorrected>().CountAsync(e => e.RunId == next.Id)));
    }

    /// <summary>
    /// The database closed to new connections and every connection to it cut but <paramref name="spared"/>'s, until
    /// <paramref name="dead"/> (the host's work failing) has happened; then it is open again, for the next host.
    /// </summary>
    private static async Task CutAsync(string connectionString, int spared, Func<Task> dead)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var server = new NpgsqlConnection((await PostgresCluster.Shared).ServerConnectionString);
        await server.OpenAsync();
        await ExecuteAsync(server, $"alter database \"{database}\" allow_connections false");
        try
        {
            await ExecuteAsync(server, "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> $2", database, spared);
            await dead();
        }
        finally
        {
            await ExecuteAsync(server, $"alter database \"{database}\" allow_connections true");
            await using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }
    }

    private static async Task<IReadOnlyList<Lead>> LeadsAsync(LeadsPlatform host) =>
        (await host.Services.GetRequiredService<LeadReader>().PageAsync(new LeadFilter(Rule),
            LeadReader.Reach.Of(new LeadActor("test", LeadRole.Analyst)), 100, null, default)).Nodes;

    private static async Task<RuleRun> ListedAsync(LeadsPlatform host, string id) =>
        (await host.Services.GetRequiredService<RuleRunReader>().ListAsync(Rule, 10, default)).Single(r => r.Id == id);

    private static async Task<RuleRun> RecordedAsync(LeadsPlatform host, string id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<RuleRun>(id))!;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await CountAsync(connection, sql);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}
