using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using OpenIddict.Abstractions;

namespace Platform.Api.GraphQL;

/// <summary>
/// What one caller (a signed-in client or person, whichever of its tokens it sends) may ask of GraphQL as a whole:
/// <see cref="GraphQLLimits.RequestsPerCallerPerMinute"/> requests a minute, and <see cref="GraphQLLimits.RequestsPerCallerAtOnce"/>
/// executing at once, with up to <see cref="GraphQLLimits.QueuedRequestsPerCaller"/> more waiting their turn (a page's
/// few queries at once wait rather than fail). Each request is already bounded (complexity, depth, time); this bounds
/// how many of them one caller holds the server and the database with (attacker review, 2026-12-02: nothing but the
/// invoice lookups was limited per caller). Over either bound: 429 with Retry-After and the error code
/// <c>RATE_LIMITED</c>, nothing executed. Per host, as the invoice lookups' limits (System.Threading.RateLimiting,
/// partitioned by caller; taken after authentication, so the caller is known for what it is).
/// </summary>
public sealed class GraphQLCallerLimit : IDisposable
{
    public const string RateLimitedCode = "RATE_LIMITED";
    private readonly GraphQLLimits limits;
    private readonly PartitionedRateLimiter<string> perMinute;
    private readonly PartitionedRateLimiter<string> atOnce;

    public GraphQLCallerLimit(GraphQLLimits limits)
    {
        this.limits = limits;
        // A bucket of a minute's requests, refilled one at a time over the minute: a page's burst passes, a steady stream is
        // held to the rate, and Retry-After says when the next one is due (a fixed window always said the whole window;
        // attacker review).
        perMinute = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.RequestsPerCallerPerMinute, TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / limits.RequestsPerCallerPerMinute,
                AutoReplenishment = false, // the partitioned limiter refills every partition on its one 100 ms timer
            }));
        atOnce = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetConcurrencyLimiter(caller,
            _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = limits.RequestsPerCallerAtOnce, QueueLimit = limits.QueuedRequestsPerCaller,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }

    /// <summary>A refusal: what the caller passed and when to come back.</summary>
    public sealed record Refused(string Message, int RetryAfterSeconds);

    /// <summary>
    /// Takes the caller's turn: the lease to hold while the request executes, or why not. Waits while the caller's
    /// requests at once are full and its queue has room.
    /// </summary>
    public async ValueTask<(RateLimitLease? Lease, Refused? Refused)> AcquireAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var caller = user.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        // A caller with none of its minute's requests left is refused at once, not after waiting for a turn (a look that
        // takes nothing: a permit count of 0).
        using (var look = perMinute.AttemptAcquire(caller, 0))
        {
            if (!look.IsAcquired)
            {
                return (null, OverMinute(look));
            }
        }
        // The turn first, then the minute's permit: a request refused because the caller's queue is full has not executed,
        // so it spends none of the caller's requests a minute (attacker review of session 13).
        var lease = await atOnce.AcquireAsync(caller, 1, ct);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return (null, new Refused(
                $"At most {limits.RequestsPerCallerAtOnce} GraphQL requests of one caller execute at once and {limits.QueuedRequestsPerCaller} wait " +
                "(GraphQL:RequestsPerCallerAtOnce, GraphQL:QueuedRequestsPerCaller); send the next when one has been answered.", 1));
        }
        using var minute = perMinute.AttemptAcquire(caller);
        if (minute.IsAcquired)
        {
            return (lease, null);
        }
        lease.Dispose();
        return (null, OverMinute(minute));
    }

    private Refused OverMinute(RateLimitLease refused)
    {
        var wait = refused.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return new Refused(
            $"At most {limits.RequestsPerCallerPerMinute} GraphQL requests a minute per caller (GraphQL:RequestsPerCallerPerMinute); " +
            $"retry after {seconds.ToString(CultureInfo.InvariantCulture)} seconds, or ask for more in one request.", seconds);
    }

    public void Dispose()
    {
        perMinute.Dispose();
        atOnce.Dispose();
    }
}
