using System.Collections.Concurrent;

namespace Platform.Ingest.Processing;

/// <summary>
/// The COPY buffers of one submission's batches, reused batch after batch: processing holds at most four batches (one
/// being checked, two waiting, one being written), so its buffers are four batches' worth however long the file, and
/// larger batches (<see cref="IngestOptions.BatchSize"/>) leave no trail of large arrays behind them for the collector.
/// </summary>
public sealed class BatchBuffers : IDisposable
{
    private readonly ConcurrentBag<(CopyRows Records, CopyRows Typed)> spare = [];

    /// <summary>A batch's <c>ingest_record</c> rows and typed-table rows, empty.</summary>
    public (CopyRows Records, CopyRows Typed) Take() => spare.TryTake(out var rows) ? rows : (new CopyRows(), new CopyRows());

    /// <summary>The buffers of a batch that has been written (or skipped), for the next batch.</summary>
    public void Return((CopyRows Records, CopyRows Typed) rows)
    {
        rows.Records.Clear();
        rows.Typed.Clear();
        spare.Add(rows);
    }

    public void Dispose()
    {
        while (spare.TryTake(out var rows))
        {
            rows.Records.Dispose();
            rows.Typed.Dispose();
        }
    }
}
