using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Comparisons.Runs;

/// <summary>
/// Runs an analyst asks for (<c>runRule</c>), which must not depend on the request: a run over a million registrations
/// can outlast a GraphQL request's timeout, and a request that is dropped must not roll a run back. The run goes on in
/// the background under the host's lifetime; the caller gets it once it is done, or, when it asked not to wait or the
/// run takes longer than <see cref="ComparisonOptions.RunWait"/>, as it stands then (status running, with its id), and
/// <c>ruleRuns</c> shows it completed (or failed) later. A refused run (unknown rule, a run of the rule under way) is
/// refused to the caller either way.
/// </summary>
public sealed partial class OnDemandRuns(RuleRunner runner, ComparisonOptions options, IHostApplicationLifetime lifetime, ILogger<OnDemandRuns> logger)
{
    public async Task<RuleRun> RunAsync(string ruleId, DateOnly? asOf, string by, bool wait, CancellationToken requestAborted)
    {
        var started = new TaskCompletionSource<RuleRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(() => runner.RunAsync(ruleId, asOf, RunTrigger.OnDemand, by, lifetime.ApplicationStopping, started.SetResult),
            CancellationToken.None);
        if (await Task.WhenAny(run, started.Task) == run)
        {
            return await run;
        }
        if (wait)
        {
            await Task.WhenAny(run, Task.Delay(options.RunWait, requestAborted));
            if (run.IsCompleted)
            {
                return await run;
            }
        }
        _ = run.ContinueWith(t => RunFailed(logger, t.Exception!, ruleId), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
        return await started.Task;
    }

    [LoggerMessage(LogLevel.Error, "A run of {Rule} that went on after its request failed; ruleRuns shows it failed")]
    private static partial void RunFailed(ILogger logger, Exception e, string rule);
}
