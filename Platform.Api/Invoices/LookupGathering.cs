using System.Collections.Concurrent;

namespace Platform.Api.Invoices;

/// <summary>
/// Gathers single lookups that arrive while others are being answered into one call of the set-based batch
/// (<see cref="InvoiceVerifier"/>), the way a database gathers commits: a lookup that finds fewer than
/// <see cref="InvoiceOptions.LookupBatchesAtOnce"/> batches running starts one at once, with whatever is queued (so an
/// unloaded platform answers each lookup alone, without waiting); under load, each batch takes everything that queued
/// while the running ones were out, up to <see cref="InvoiceOptions.MaxBatchInvoices"/>. Nothing waits on a timer: a
/// batch is as large as the load makes it. A batch's failure is each of its lookups' failure; the next batch is not
/// affected. Lookups are taken in the order they arrived, so the daily limit admits an invoice's first lookups first,
/// as one by one. At most <paramref name="maxQueued"/> lookups wait for a batch; one more is refused at once
/// (<see cref="LookupQueueFullException"/>) rather than let the queue, and the time its lookups wait, grow without end.
/// </summary>
public sealed class LookupGathering<TLookup, TAnswer>(
    Func<IReadOnlyList<TLookup>, Task<IReadOnlyList<TAnswer>>> answer, int batchesAtOnce, int maxBatch, int maxQueued)
{
    private readonly ConcurrentQueue<(TLookup Lookup, TaskCompletionSource<TAnswer> Answer)> queue = new();
    private int running;
    // Counted up before a lookup is queued and down after it is taken, so never below the queue's length.
    private int queued;

    /// <summary>
    /// The lookup's answer. A caller that stops waiting (<paramref name="ct"/>) does not withdraw a lookup already queued:
    /// it is still answered, counted and audited, as a lookup whose caller hung up after sending it. Fails with
    /// <see cref="LookupQueueFullException"/>, the lookup not queued, when <c>maxQueued</c> lookups are waiting already.
    /// </summary>
    public Task<TAnswer> AnswerAsync(TLookup lookup, CancellationToken ct)
    {
        if (Interlocked.Increment(ref queued) > maxQueued)
        {
            Interlocked.Decrement(ref queued);
            return Task.FromException<TAnswer>(new LookupQueueFullException(maxQueued));
        }
        var answered = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Enqueue((lookup, answered));
        StartIfRoom();
        return answered.Task.WaitAsync(ct);
    }

    /// <summary>Lookups waiting for a batch (at most <c>maxQueued</c>).</summary>
    public int Queued => Volatile.Read(ref queued);

    /// <summary>
    /// Completes once no lookup is queued and no batch is running (checked every few milliseconds): a stopping host waits
    /// for it before closing the audit queue (<see cref="SingleLookupsDrain"/>), so a lookup still being answered is
    /// audited as well as counted.
    /// </summary>
    public async Task DrainedAsync(CancellationToken ct)
    {
        while (Volatile.Read(ref running) > 0 || !queue.IsEmpty)
        {
            await Task.Delay(5, ct);
        }
    }

    private void StartIfRoom()
    {
        while (!queue.IsEmpty)
        {
            var now = Volatile.Read(ref running);
            if (now >= batchesAtOnce)
            {
                return; // a running batch that ends looks at the queue again
            }
            if (Interlocked.CompareExchange(ref running, now + 1, now) == now)
            {
                _ = RunAsync();
                return;
            }
        }
    }

    private async Task RunAsync()
    {
        try
        {
            var batch = new List<(TLookup Lookup, TaskCompletionSource<TAnswer> Answer)>();
            while (true)
            {
                batch.Clear();
                while (batch.Count < maxBatch && queue.TryDequeue(out var next))
                {
                    Interlocked.Decrement(ref queued);
                    batch.Add(next);
                }
                if (batch.Count == 0)
                {
                    return;
                }
                try
                {
                    var answers = await answer([.. batch.Select(b => b.Lookup)]);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Answer.TrySetResult(answers[i]);
                    }
                }
                catch (Exception e)
                {
                    foreach (var (_, answered) in batch)
                    {
                        answered.TrySetException(e);
                    }
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref running);
            StartIfRoom(); // a lookup queued after the last look at the queue, while every batch was still counted running
        }
    }
}

