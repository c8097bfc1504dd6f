using System.Threading.Channels;
using Platform.Api.Audit;

namespace Platform.Api.Invoices;

/// <summary>
/// The audit of lookups: each lookup's entry (who, when, which invoice, the answer) goes into a bounded queue that
/// <see cref="LookupAuditWriter"/> drains into the audit trail in batches, so a lookup never waits on the chain's lock
/// and its commit. When the queue is full, lookups wait for room (never dropped). What a crash of the host can lose is
/// bounded by the queue: at most <see cref="InvoiceOptions.AuditQueueCapacity"/> entries plus one batch being written;
/// a graceful stop writes them all.
/// </summary>
public sealed class LookupAudit(InvoiceOptions options)
{
    /// <summary>The audit trail's operation of a lookup with its answer, such as <c>invoice.verify:not-found</c>.</summary>
    public static string Operation(string result) => $"invoice.verify:{result}";

    private readonly Channel<AuditRecord> queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.AuditQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private TaskCompletionSource batchQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChannelReader<AuditRecord> Reader => queue.Reader;

    public ValueTask EnqueueAsync(DateTimeOffset at, AuditActor actor, string invoiceKey, string result, CancellationToken ct)
    {
        var entry = new AuditRecord(at, actor, Operation(result), [invoiceKey]);
        if (!queue.Writer.TryWrite(entry))
        {
            return queue.Writer.WriteAsync(entry, ct);
        }
        if (queue.Reader.Count >= options.AuditBatchSize)
        {
            Volatile.Read(ref batchQueued).TrySetResult();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once a whole batch (<see cref="InvoiceOptions.AuditBatchSize"/>) is queued: at once if one already is.</summary>
    public Task BatchQueuedAsync()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref batchQueued, signal);
        if (queue.Reader.Count >= options.AuditBatchSize)
        {
            signal.TrySetResult();
        }
        return signal.Task;
    }

    /// <summary>No more entries: the writer drains what is queued and stops.</summary>
    public void Complete() => queue.Writer.TryComplete();
}

/// <summary>
/// Drains <see cref="LookupAudit"/> into the audit trail: whatever is queued (after <see cref="InvoiceOptions.AuditWriteDelay"/>,
/// or as soon as a whole batch is), up to <see cref="InvoiceOptions.AuditBatchSize"/> entries, in one transaction (<see cref="AuditTrail.RecordManyAsync"/>). A failed write is retried, with the same
/// entries in the same order, every second until it succeeds; on stop the queue is closed and drained.
/// </summary>
public sealed partial class LookupAuditWriter(LookupAudit audit, AuditTrail trail, InvoiceOptions options, ILogger<LookupAuditWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>(options.AuditBatchSize);
        while (await audit.Reader.WaitToReadAsync(CancellationToken.None))
        {
            if (options.AuditWriteDelay > TimeSpan.Zero && !stoppingToken.IsCancellationRequested)
            {
                // Gathers for the delay, or until a whole batch is queued: waiting the delay with a full batch queued
                // capped the writer at a batch per delay, and lookups then waited for room in the queue.
                using var gathered = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(options.AuditWriteDelay, gathered.Token), audit.BatchQueuedAsync());
                await gathered.CancelAsync();
            }
            while (batch.Count < options.AuditBatchSize && audit.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }
            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<AuditRecord> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await trail.RecordManyAsync(batch, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                if (stoppingToken.IsCancellationRequested && attempt >= 5)
                {
                    LogLost(logger, e, batch.Count);
                    return;
                }
                LogRetry(logger, e, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        audit.Complete();
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Error, "Stopping with {Count} lookup audit entries unwritten: the audit trail cannot be written")]
    private static partial void LogLost(ILogger logger, Exception exception, int count);

    [LoggerMessage(LogLevel.Warning, "Writing {Count} lookup audit entries failed (attempt {Attempt}); retrying in a second")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, int attempt);
}
