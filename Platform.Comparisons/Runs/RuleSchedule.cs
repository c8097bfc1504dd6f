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
/// templates have a submission accepted since its last run (<see cref="ComparisonOptions.RunAfterAcceptance"/>). What
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

    private async Task<RunTrigger?> DueAsync(IComparisonRule rule, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var last = await session.Query<RuleRun>().Where(r => r.Rule == rule.Id).OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
        if (options.ScheduleInterval is { } interval && (last is null || time.GetUtcNow() - last.StartedAt >= interval))
        {
            return RunTrigger.Schedule;
        }
        if (options.RunAfterAcceptance && await runner.DataAsOfAsync(rule, ct) is { } dataAsOf && (last is null || last.DataAsOf < dataAsOf))
        {
            return RunTrigger.Acceptance;
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A scheduled run of {Rule} failed; the next round tries again.")]
    private static partial void RuleFailed(ILogger logger, string rule, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of scheduled rule runs failed; the next round tries again.")]
    private static partial void RoundFailed(ILogger logger, Exception e);
}
