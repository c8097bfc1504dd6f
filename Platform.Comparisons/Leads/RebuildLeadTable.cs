using System.Data;
using Marten;
using Marten.Events;
using Marten.Services;
using Npgsql;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;

namespace Platform.Comparisons.Leads;

/// <summary>What a rebuild of the lead table did, or why it did nothing.</summary>
public sealed record LeadTableRebuilt(bool Done, string Message, long Leads, long Events, TimeSpan Took);

/// <summary>
/// Rebuilds <see cref="LeadTable"/> from the lead streams (after a fix of <see cref="LeadProjection"/>, a restore, a change
/// of the table): empties it and replays every lead event in the order it was appended through
/// <see cref="LeadProjection"/> itself, <see cref="ComparisonOptions.RebuildBatch"/> events at a time, all in one
/// transaction, so a rebuild that fails or is killed leaves the table as it was and can simply be run again.
/// It holds every rule's lock (a run under way refuses the rebuild; a run asked for meanwhile is refused) and the table
/// in access exclusive mode: a lifecycle step writes its event and its row in one transaction, so one that comes
/// during the rebuild waits and then updates the rebuilt row; one that came before it is among the events replayed.
/// Reads of leads wait for the rebuild too.
/// </summary>
public sealed class RebuildLeadTable(IDocumentStore store, NpgsqlDataSource dataSource, RuleCatalog rules, ComparisonOptions options)
{
    public async Task<LeadTableRebuilt> RunAsync(CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Read committed, not a snapshot: each read of events must see every step committed before the table's lock was had.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var running = await RunningRulesAsync(connection, transaction, ct);
        if (running.Count > 0)
        {
            return new(false, $"Not rebuilt, nothing changed: a run of {string.Join(", ", running.Select(r => $"'{r}'"))} is under way. " +
                              "Wait until ruleRuns shows it completed or failed, then run 'leads rebuild' again.", 0, 0, watch.Elapsed);
        }
        await ExecuteAsync(connection, transaction, $"lock table {LeadTable.Name} in access exclusive mode", ct);
        // DELETE, not TRUNCATE: the platform's own database role may delete rows but not truncate (README "Operations").
        await ExecuteAsync(connection, transaction, $"delete from {LeadTable.Name}", ct);

        var projection = new LeadProjection();
        var types = Lead.EventTypes.ToArray();
        long after = 0, events = 0;
        while (true)
        {
            await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
            var batch = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.EventTypesAre(types))
                .OrderBy(e => e.Sequence)
                .Take(options.RebuildBatch)
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }
            await projection.ApplyAsync(session, batch, ct);
            await session.SaveChangesAsync(ct);
            after = batch[^1].Sequence;
            events += batch.Count;
        }
        await using var count = new NpgsqlCommand($"select count(*) from {LeadTable.Name}", connection, transaction);
        var leads = (long)(await count.ExecuteScalarAsync(ct))!;
        await transaction.CommitAsync(ct);
        return new(true, $"Lead table rebuilt: {leads} leads from {events} events in {watch.Elapsed.TotalSeconds:F2} s.", leads, events, watch.Elapsed);
    }

    private async Task<List<string>> RunningRulesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(RuleLock.ClaimAll, connection, transaction)
        {
            Parameters = { new() { Value = rules.All.Select(r => r.Id).ToArray() } },
        };
        var running = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            running.Add(reader.GetString(0));
        }
        return running;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }
}
