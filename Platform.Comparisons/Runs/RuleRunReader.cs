using Marten;
using Npgsql;

namespace Platform.Comparisons.Runs;

/// <summary>
/// The record of runs as <c>ruleRuns</c> lists it, newest first. A run still recorded running whose rule's lock nobody
/// holds is dead (<see cref="RuleLock"/>): it is shown failed, with <see cref="RuleRun.Lost"/>, though its record says
/// running until the next run of the rule records it failed (<see cref="RuleRun.Stopped"/>).
/// </summary>
public sealed class RuleRunReader(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<RuleRun>> ListAsync(string? rule, int first, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var query = session.Query<RuleRun>().AsQueryable();
        if (rule is not null)
        {
            query = query.Where(r => r.Rule == rule);
        }
        var runs = await query.OrderByDescending(r => r.StartedAt).Take(first).ToListAsync(ct);
        var running = runs.Where(r => r.Status == RunStatus.Running).ToList();
        if (running.Count == 0)
        {
            return runs;
        }
        var free = await FreeAsync(running.Select(r => r.Rule).Distinct().ToArray(), ct);
        var suspects = running.Where(r => free.Contains(r.Rule)).Select(r => r.Id).ToArray();
        if (suspects.Length == 0)
        {
            return runs;
        }
        // Read again after the locks were seen free: a run that ended just before has its end recorded by now (a run records
        // its end before letting the lock go), so those still running here are dead.
        var now = (await session.LoadManyAsync<RuleRun>(ct, suspects)).ToDictionary(r => r.Id);
        return runs.Select(r => now.TryGetValue(r.Id, out var again)
            ? again.Status == RunStatus.Running ? again with { Status = RunStatus.Failed, Failure = RuleRun.Lost } : again
            : r).ToList();
    }

    private async Task<HashSet<string>> FreeAsync(string[] rules, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(RuleLock.Free);
        command.Parameters.Add(new NpgsqlParameter { Value = rules });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var free = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            free.Add(reader.GetString(0));
        }
        return free;
    }
}
