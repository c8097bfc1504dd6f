using Npgsql;

namespace Platform.Api.Auth;

/// <summary>
/// Revocations told to every host at once. A host that revoked tokens (a client deleted, a person locked, removed, reset
/// or ungranted, a sign-out) forgets what it read of tokens' entries (<see cref="TokenStatusCache.Forget"/>) and sends a
/// PostgreSQL notification on <see cref="Channel"/>; every host listening (<see cref="TokenRevocationListener"/>, this one
/// too) forgets as well, so the other hosts refuse a revoked token as soon as the notification arrives rather than within
/// <see cref="TokenOptions.StatusCacheFor"/>. That bound stays the fallback: for a host whose listening connection is
/// down (it forgets everything when it listens again) and for a notification that could not be sent.
/// </summary>
public sealed class TokenRevocations(NpgsqlDataSource data, TokenStatusCache statuses, ILogger<TokenRevocations> logger)
{
    public const string Channel = "platform_tokens_revoked";

    /// <summary>Called once a revocation has been committed: forgets here, then tells the other hosts.</summary>
    public async Task RevokedAsync()
    {
        statuses.Forget();
        try
        {
            await using var notify = data.CreateCommand($"select pg_notify('{Channel}', '')");
            // Not the request's token: a caller that hangs up after the revocation committed must not keep it from the others.
            await notify.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The revocation stands (it was committed); the other hosts refuse the tokens within the bound instead.
            LogNotSent(logger, e);
        }
    }

    private static readonly Action<ILogger, Exception?> NotSentMessage = LoggerMessage.Define(LogLevel.Warning, new EventId(1, "RevocationNotSent"),
        "A revocation could not be told to the other hosts; they refuse its tokens within Tokens:StatusCacheFor");

    private static void LogNotSent(ILogger logger, Exception e) => NotSentMessage(logger, e);
}

/// <summary>
/// Listens for <see cref="TokenRevocations.Channel"/> on a connection of its own and forgets every token status this
/// host read when a revocation is told (<see cref="TokenStatusCache.Forget"/>). When the connection fails (PostgreSQL
/// restarted, the network cut) it listens again after <see cref="TokenOptions.ListenRetry"/>, and forgets once listening,
/// for what may have been told meanwhile; until then the bound holds. Off when <see cref="TokenOptions.ListenForRevocations"/>
/// is false (then only the bound).
/// </summary>
public sealed partial class TokenRevocationListener(NpgsqlDataSource data, TokenStatusCache statuses, Microsoft.Extensions.Options.IOptions<TokenOptions> options,
    TimeProvider time, ILogger<TokenRevocationListener> logger) : BackgroundService
{
    public const string ApplicationName = "platform token revocations";

    /// <summary>How long the listening connection may stay silent before a ping checks that it is still there.</summary>
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(30);

    /// <summary>Whether the listening connection is up (for tests: a revocation is told to this host only while it is).</summary>
    public bool Listening { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ListenForRevocations)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await data.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => statuses.Forget();
                // Named, so that an operator (and a test) can tell the listening connection in pg_stat_activity.
                await using (var listen = new NpgsqlCommand($"set application_name to '{ApplicationName}'; listen {TokenRevocations.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                statuses.Forget(); // anything revoked while this host was not listening
                Listening = true;
                await using var ping = new NpgsqlCommand("select 1", connection);
                while (true)
                {
                    if (!await connection.WaitAsync(PingEvery, stoppingToken))
                    {
                        await ping.ExecuteNonQueryAsync(stoppingToken); // a connection cut without a word fails here, not never
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever failed (the connection, or a data source that cannot listen), the host goes on serving with the
                // bound; a listener that stopped for good would stop the host with it. Not listening while it waits to retry
                // (the finally comes after the wait).
                Listening = false;
                var retry = options.Value.ListenRetry > TimeSpan.Zero ? options.Value.ListenRetry : new TokenOptions().ListenRetry;
                LogListenFailed(e, retry);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                Listening = false;
            }
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Not listening for revocations (trying again in {Retry}); until then tokens revoked on other hosts are refused here within Tokens:StatusCacheFor")]
    private partial void LogListenFailed(Exception exception, TimeSpan retry);
}
