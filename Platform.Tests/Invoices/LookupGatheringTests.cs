using Platform.Api.Invoices;

namespace Platform.Tests.Invoices;

/// <summary>
/// How single lookups are gathered into batches (no database: the batch is a function that records what it was given
/// and answers when the test lets it).
/// </summary>
public sealed class LookupGatheringTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A batch function whose calls each wait for the test to release them, recording the lookups of each call.</summary>
    private sealed class HeldBatches : IDisposable
    {
        private readonly Lock guard = new();
        private readonly List<(int[] Lookups, TaskCompletionSource Release)> calls = [];
        private readonly SemaphoreSlim called = new(0);

        public async Task<IReadOnlyList<string>> AnswerAsync(IReadOnlyList<int> lookups)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (guard)
            {
                calls.Add(([.. lookups], release));
            }
            called.Release();
            await release.Task;
            return lookups[0] < 0 ? throw new InvalidOperationException("batch failed") : [.. lookups.Select(l => $"answer {l}")];
        }

        /// <summary>Waits for the <paramref name="n"/>th call (from 1) and gives its lookups, such as "2,3,4".</summary>
        public async Task<string> CallAsync(int n)
        {
            while (true)
            {
                lock (guard)
                {
                    if (calls.Count >= n)
                    {
                        return string.Join(",", calls[n - 1].Lookups);
                    }
                }
                Assert.True(await called.WaitAsync(Patience), $"the batch function was called {calls.Count} times, never {n}");
            }
        }

        public void Release(int n)
        {
            lock (guard)
            {
                calls[n - 1].Release.SetResult();
            }
        }

        public void Dispose() => called.Dispose();

        public int Calls
        {
            get
            {
                lock (guard)
                {
                    return calls.Count;
                }
            }
        }
    }

    [Fact]
    public async Task An_idle_platform_answers_a_lookup_alone_and_lookups_arriving_meanwhile_are_answered_together_in_their_order()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 1, maxBatch: 100, maxQueued: 100);

        var first = gathering.AnswerAsync(1, CancellationToken.None);
        Assert.Equal("1", await batches.CallAsync(1));
        var waiting = Enumerable.Range(2, 5).Select(i => gathering.AnswerAsync(i, CancellationToken.None)).ToList();
        Assert.Equal(1, batches.Calls); // the one batch allowed is out: the five wait for it

        batches.Release(1);
        Assert.Equal("answer 1", await first.WaitAsync(Patience));
        Assert.Equal("2,3,4,5,6", await batches.CallAsync(2));
        batches.Release(2);
        Assert.Equal(["answer 2", "answer 3", "answer 4", "answer 5", "answer 6"], await Task.WhenAll(waiting).WaitAsync(Patience));
    }

    [Fact]
    public async Task Batches_run_side_by_side_up_to_the_limit_and_each_takes_at_most_the_largest_batch()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 2, maxBatch: 3, maxQueued: 100);

        var first = gathering.AnswerAsync(1, CancellationToken.None);
        var second = gathering.AnswerAsync(2, CancellationToken.None);
        Assert.Equal("1", await batches.CallAsync(1));
        Assert.Equal("2", await batches.CallAsync(2));
        var waiting = Enumerable.Range(3, 4).Select(i => gathering.AnswerAsync(i, CancellationToken.None)).ToList();
        Assert.Equal(2, batches.Calls);

        batches.Release(1);
        Assert.Equal("3,4,5", await batches.CallAsync(3)); // at most three a batch
        batches.Release(2);
        Assert.Equal("6", await batches.CallAsync(4));
        batches.Release(3);
        batches.Release(4);
        Assert.Equal(["answer 1", "answer 2", "answer 3", "answer 4", "answer 5", "answer 6"],
            await Task.WhenAll([first, second, .. waiting]).WaitAsync(Patience));
    }

    [Fact]
    public async Task Draining_waits_for_the_running_batch_and_the_lookups_queued_behind_it()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 1, maxBatch: 100, maxQueued: 100);
        await gathering.DrainedAsync(CancellationToken.None).WaitAsync(Patience); // nothing handed in: drained at once

        var first = gathering.AnswerAsync(1, CancellationToken.None);
        await batches.CallAsync(1);
        var queued = gathering.AnswerAsync(2, CancellationToken.None);
        var drained = gathering.DrainedAsync(CancellationToken.None);

        batches.Release(1);
        Assert.Equal("2", await batches.CallAsync(2));
        Assert.False(drained.IsCompleted); // the second batch is still out
        batches.Release(2);
        await drained.WaitAsync(Patience);
        Assert.True(first.IsCompletedSuccessfully && queued.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_failed_batch_fails_its_own_lookups_and_the_next_batch_is_answered()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 1, maxBatch: 100, maxQueued: 100);

        var failing = gathering.AnswerAsync(-1, CancellationToken.None);
        await batches.CallAsync(1);
        var later = gathering.AnswerAsync(7, CancellationToken.None);
        batches.Release(1);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Patience));
        Assert.Equal("batch failed", error.Message);

        Assert.Equal("7", await batches.CallAsync(2));
        batches.Release(2);
        Assert.Equal("answer 7", await later.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_is_let_go_and_its_lookup_is_still_answered_in_the_batch()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 1, maxBatch: 100, maxQueued: 100);
        var first = gathering.AnswerAsync(1, CancellationToken.None);
        await batches.CallAsync(1);

        using var hangUp = new CancellationTokenSource();
        var abandoned = gathering.AnswerAsync(2, hangUp.Token);
        var kept = gathering.AnswerAsync(3, CancellationToken.None);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        batches.Release(1);
        Assert.Equal("2,3", await batches.CallAsync(2)); // counted and audited like any lookup sent
        batches.Release(2);
        Assert.Equal("answer 3", await kept.WaitAsync(Patience));
        Assert.Equal("answer 1", await first.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_lookup_beyond_the_queue_bound_is_refused_at_once_and_never_reaches_a_batch()
    {
        using var batches = new HeldBatches();
        var gathering = new LookupGathering<int, string>(batches.AnswerAsync, batchesAtOnce: 1, maxBatch: 100, maxQueued: 2);
        var first = gathering.AnswerAsync(1, CancellationToken.None);
        await batches.CallAsync(1); // taken into the batch: no longer queued
        var queued = new[] { gathering.AnswerAsync(2, CancellationToken.None), gathering.AnswerAsync(3, CancellationToken.None) };

        var refused = await Assert.ThrowsAsync<LookupQueueFullException>(() => gathering.AnswerAsync(4, CancellationToken.None));
        Assert.Contains("2 single invoice lookups are already waiting", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Invoices:MaxQueuedLookups", refused.Message, StringComparison.Ordinal);

        batches.Release(1);
        Assert.Equal("2,3", await batches.CallAsync(2)); // the refused 4 is in no batch
        var afterRoom = gathering.AnswerAsync(5, CancellationToken.None); // the queue emptied into the batch: room again
        batches.Release(2);
        Assert.Equal("5", await batches.CallAsync(3));
        batches.Release(3);
        Assert.Equal(["answer 1", "answer 2", "answer 3", "answer 5"], await Task.WhenAll([first, .. queued, afterRoom]).WaitAsync(Patience));
    }
}
