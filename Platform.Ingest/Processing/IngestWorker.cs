using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Polly;
using Polly.Retry;

namespace Platform.Ingest.Processing;

/// <summary>Wakes the worker as soon as a submission is received, instead of at its next poll.</summary>
public sealed class IngestSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0);

    public void Dispose() => signal.Dispose();

    public void Wake() => signal.Release();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}

/// <summary>
/// The in-process worker: processes unfinished submissions (received or validating), oldest first, one at a time.
/// Transient database faults are retried with backoff and, failing that, left for the next round, where processing
/// resumes after the last committed batch. Any other fault is tried once more and, when it happens again, fails the
/// submission with its reason.
/// </summary>
public sealed partial class IngestWorker(
    IDocumentStore store, NpgsqlDataSource dataSource, SubmissionProcessor processor, IngestSignal signal, IngestOptions options, TimeProvider time,
    ILogger<IngestWorker> logger)
    : BackgroundService
{
    private readonly ResiliencePipeline transientRetry = new ResiliencePipelineBuilder()
        // Outer: any other fault gets one more attempt from the last committed batch. A connection lost in the middle
        // of Marten's SaveChanges can surface as "transaction is already completed" rather than as a database fault;
        // a fault that is really permanent (bad data, a bug) happens again and then fails the submission.
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException && !DatabaseFaults.IsTransient(e)),
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromSeconds(1),
        })
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(DatabaseFaults.IsTransient),
            MaxRetryAttempts = 6,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            UseJitter = true,
        })
        .Build();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (DatabaseFaults.IsTransient(e))
            {
                DatabaseUnavailable(logger, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never let the worker stop the host (a schema not yet migrated, say); try again at the next round.
                RoundFailed(logger, e);
            }
            await signal.WaitAsync(options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Processes every unfinished submission once; public so tests and tools can drive it without the loop.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> pending;
        await using (var query = store.QuerySession())
        {
            pending = await query.Query<Submission>()
                .Where(s => s.Status == SubmissionStatus.Received || s.Status == SubmissionStatus.Validating)
                .OrderBy(s => s.ReceivedAt)
                .Select(s => s.Id)
                .ToListAsync(ct);
        }
        foreach (var id in pending)
        {
            try
            {
                await transientRetry.ExecuteAsync(async token => await processor.ProcessAsync(id, token), ct);
            }
            catch (Exception e) when (!DatabaseFaults.IsTransient(e) && e is not OperationCanceledException && !ct.IsCancellationRequested)
            {
                SubmissionFailedLog(logger, e, id);
                await using var query = store.QuerySession();
                if (await query.LoadAsync<Submission>(id, ct) is { IsFinished: false } submission)
                {
                    await processor.FinishAsync(submission, new SubmissionFailed(id,
                        $"The platform could not process this file ({e.GetType().Name}); it has been logged. Nothing was applied; resend it later.",
                        time.GetUtcNow()), ct);
                }
            }
        }
        if (pending.Count > 0)
        {
            await AfterAcceptanceAsync(ct);
        }
    }

    /// <summary>
    /// The latest records and statistics brought up to date once the round's submissions are done, so the first rule run
    /// after a large file does not pay for them. Not the submissions' fate: a reader catches up itself if this fails.
    /// </summary>
    private async Task AfterAcceptanceAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await IngestRecords.AfterAcceptanceAsync(connection, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AfterAcceptanceFailed(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Bringing the latest records and statistics up to date after acceptance failed; rule runs catch up themselves")]
    private static partial void AfterAcceptanceFailed(ILogger logger, Exception e);

    [LoggerMessage(LogLevel.Warning, "Database unavailable while ingesting; will resume: {Reason}")]
    private static partial void DatabaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Error, "The ingest worker could not look for work; it tries again at its next round")]
    private static partial void RoundFailed(ILogger logger, Exception e);

    [LoggerMessage(LogLevel.Error, "Submission {SubmissionId} failed")]
    private static partial void SubmissionFailedLog(ILogger logger, Exception e, string submissionId);
}
