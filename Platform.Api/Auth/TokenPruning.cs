using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Platform.Api.Auth;

/// <summary>
/// Every token issued is stored (revocation needs its entry), so the table grows with every request for a token;
/// this deletes the entries that can no longer be used once they are older than <see cref="TokenOptions.PruneAfter"/>.
/// </summary>
public sealed partial class TokenPruning(
    IServiceScopeFactory scopes, IOptions<TokenOptions> options, TimeProvider time, ILogger<TokenPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                PruningFailed(logger, exception);
            }
        }
    }

    /// <summary>One pass: the tokens, then the authorizations, created before the threshold and no longer usable.</summary>
    public async Task<long> PruneOnceAsync(CancellationToken ct)
    {
        var threshold = time.GetUtcNow() - options.Value.PruneAfter;
        await using var scope = scopes.CreateAsyncScope();
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, ct);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, ct);
        return tokens + authorizations;
    }

    [LoggerMessage(LogLevel.Warning, "Pruning stored tokens failed; the next pass tries again")]
    private static partial void PruningFailed(ILogger logger, Exception exception);
}
