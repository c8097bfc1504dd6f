namespace Platform.Api.Invoices;

/// <summary>
/// A single lookup refused because <see cref="InvoiceOptions.MaxQueuedLookups"/> lookups already wait for a batch
/// (<see cref="LookupGathering{TLookup, TAnswer}"/>): it was never looked up, so it is neither counted against the daily
/// limit nor audited. REST answers it 503 with <c>Retry-After</c>, GraphQL an error with code <see cref="Code"/>.
/// </summary>
public sealed class LookupQueueFullException(int maxQueued)
    : Exception($"{maxQueued} single invoice lookups are already waiting on this host ({InvoiceOptions.Section}:MaxQueuedLookups); " +
                $"try again in {RetryAfterSeconds} second, or send many invoices at once to /api/invoices/verify-batch.")
{
    public const string Code = "LOOKUP_QUEUE_FULL";
    public const int RetryAfterSeconds = 1;
}
