using Marten;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Comparisons.Rules;
using Platform.Ingest.Submissions;

namespace Platform.Comparisons.Runs;

/// <summary>
/// Wakes the schedule when this host's session commits a <see cref="SubmissionAccepted"/> (how ingest signals an
/// acceptance); acceptances on other hosts are found by <see cref="ComparisonOptions.AcceptancePoll"/>.
/// </summary>
public sealed class AcceptanceSignal : DocumentSessionListenerBase, IDisposable
{
    private readonly SemaphoreSlim signal = new(0);

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetEvents().Any(e => e.Data is SubmissionAccepted))
        {
            signal.Release();
        }
        return Task.CompletedTask;
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    public void Dispose() => signal.Dispose();
}

/// <summary>
/// Runs rules without an analyst: every rule each <see cref="ComparisonOptions.ScheduleInterval"/>, and a rule whose
/// templates have a submission accepted since its last completed run (<see cref="ComparisonOptions.RunAfterAcceptance"/>;
/// after a failure, once <see cref="ComparisonOptions.RetryFailedAfter"/>, doubling, has passed). What
/// is due is read from the database (the last run of each rule and the latest acceptance), so several hosts agree, and the
/// rule's advisory lock lets one of them run it; the others find it under way and pass.
/// </summary>
public sealed partial class RuleSchedule(RuleRunner runner, RuleCatalog rules, IDocumentStore store, AcceptanceSignal signal,
    ComparisonOptions options, TimeProvider time, ILogger<RuleSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = options.ScheduleInterval is { } interval && interval < options.AcceptancePoll ? interval : options.AcceptancePoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await signal.WaitAsync(wait, stoppingToken))
                {
                    await Task.Delay(options.AcceptanceDelay, time, stoppingToken);
                }
                await RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never let the schedule stop the host (the database away, a rule's data not there yet); try at the next round.
                RoundFailed(logger, e);
            }
        }
    }

    /// <summary>Runs each rule that is due once; public so tests and tools can drive it without the loop.</summary>
    public async Task<IReadOnlyList<RuleRun>> RunDueAsync(CancellationToken ct)
    {
        var runs = new List<RuleRun>();
        foreach (var rule in rules.All)
        {
            if (await DueAsync(rule, ct) is not { } trigger)
            {
                continue;
            }
            try
            {
                runs.Add(await runner.RunAsync(rule.Id, null, trigger, "schedule", ct));
            }
            catch (RunRefusedException)
            {
                // Under way on another host or for an analyst: that run covers this data.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One rule failing (its data not there yet, say) does not keep the others from running.
                RuleFailed(logger, rule.Id, e);
            }
        }
        return runs;
    }

    /// <summary>
    /// Whether the rule is due, and why: the interval since its last run, whatever that run's end; or data accepted since
    /// its last completed run, so a run that failed or whose host stopped after an acceptance is run again, once
    /// <see cref="RetryWait"/> has passed since the last of the failures in a row (a run recorded running whose host
    /// stopped is tried at once: the next run records it failed, or is refused while it is alive).
    /// </summary>
    private async Task<RunTrigger?> DueAsync(IComparisonRule rule, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var now = time.GetUtcNow();
        if (options.ScheduleInterval is { } interval)
        {
            var last = await session.Query<RuleRun>().Where(r => r.Rule == rule.Id).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
            if (last is null || now - last.StartedAt >= interval)
            {
                return RunTrigger.Schedule;
            }
        }
        if (!options.RunAfterAcceptance || await runner.DataAsOfAsync(rule, ct) is not { } dataAsOf)
        {
            return null;
        }
        var completed = await session.Query<RuleRun>().Where(r => r.Rule == rule.Id && r.Status == RunStatus.Completed)
            .OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
        if (completed?.DataAsOf >= dataAsOf)
        {
            return null;
        }
        var since = completed?.StartedAt ?? DateTimeOffset.MinValue;
        var failures = session.Query<RuleRun>().Where(r => r.Rule == rule.Id && r.Status == RunStatus.Failed && r.StartedAt > since);
        if (await failures.OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct) is { } failed
            && now - (failed.FinishedAt ?? failed.StartedAt) < RetryWait(options, await failures.CountAsync(ct)))
        {
            return null;
        }
        return RunTrigger.Acceptance;
    }

    /// <summary>How long after the last of <paramref name="failuresInARow"/> failed runs the acceptance trigger runs the rule again.</summary>
    public static TimeSpan RetryWait(ComparisonOptions options, int failuresInARow)
    {
        var wait = options.RetryFailedAfter;
        for (var n = 1; n < failuresInARow && wait < options.RetryFailedAtMost; n++)
        {
            wait *= 2;
        }
        return wait < options.RetryFailedAtMost ? wait : options.RetryFailedAtMost;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A scheduled run of {Rule} failed; the next round tries again.")]
    private static partial void RuleFailed(ILogger logger, string rule, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of scheduled rule runs failed; the next round tries again.")]
    private static partial void RoundFailed(ILogger logger, Exception e);
}
