namespace Platform.Api.Invoices;

/// <summary>
/// On stop, waits for the single lookups still being answered (their callers gone past the server's drain) before the
/// audit writer closes its queue: registered after <see cref="LookupAuditWriter"/>, so stopped before it (the host stops
/// its services one by one in reverse order).
/// </summary>
public sealed partial class SingleLookupsDrain(InvoiceVerifier verifier, ILogger<SingleLookupsDrain> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await verifier.SinglesAnsweredAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogUndrained(logger);
        }
    }

    [LoggerMessage(LogLevel.Error, "Stopping while single invoice lookups are still being answered: the host's stop timeout passed first, so their audit entries may be missing")]
    private static partial void LogUndrained(ILogger logger);
}
