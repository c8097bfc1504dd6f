using GraphQL.DataLoader;

namespace Platform.Api.GraphQL;

/// <summary>
/// A data loader (GraphQL.DataLoader is not served by our registry; the executor's own <see cref="IDataLoaderResult"/> is
/// all it needs): fields ask for keys while a level of the query resolves, and the first answer awaited fetches every
/// key asked for so far in one call. Register one per request (scoped), so that nothing is shared between callers.
/// </summary>
public class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch, TValue missing)
    where TKey : notnull
{
    private readonly TValue missing = missing;
    private readonly Lock gate = new();
    private readonly HashSet<TKey> pending = [];
    private readonly Dictionary<TKey, Task<IReadOnlyDictionary<TKey, TValue>>> batches = [];

    public IDataLoaderResult<TValue> Load(TKey key)
    {
        lock (gate)
        {
            if (!batches.ContainsKey(key))
            {
                pending.Add(key);
            }
        }
        return new Result(this, key);
    }

    private Task<IReadOnlyDictionary<TKey, TValue>> BatchOf(TKey key, CancellationToken ct)
    {
        lock (gate)
        {
            if (batches.TryGetValue(key, out var batch))
            {
                return batch;
            }
            pending.Add(key);
            var keys = pending.ToList();
            pending.Clear();
            batch = fetch(keys, ct);
            foreach (var k in keys)
            {
                batches[k] = batch;
            }
            return batch;
        }
    }

    private sealed class Result(BatchLoader<TKey, TValue> loader, TKey key) : IDataLoaderResult<TValue>
    {
        public async Task<TValue> GetResultAsync(CancellationToken cancellationToken = default) =>
            (await loader.BatchOf(key, cancellationToken)).TryGetValue(key, out var value) ? value : loader.missing;

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
