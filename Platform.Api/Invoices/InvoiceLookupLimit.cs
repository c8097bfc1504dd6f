using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using GraphQL;
using OpenIddict.Abstractions;

namespace Platform.Api.Invoices;

/// <summary>
/// The per-caller rate limits of invoice lookups (System.Threading.RateLimiting's partitioned fixed windows, as ASP.NET
/// Core's rate limiter uses), per signed-in subject (a client, or a person), whichever of its tokens it sends, over REST
/// and GraphQL together, counted in lookups: a single lookup or a <c>verifyInvoice</c> field takes one permit, a batch one
/// per line. <see cref="InvoiceOptions.LookupsPerCallerPerMinute"/> a minute and <see cref="InvoiceOptions.LookupsPerCallerPerDay"/>
/// a calendar day in the platform's time zone: counted per request, a batch of 1,000 took one permit, so one agency
/// could send 600,000 lookups a minute, each audited in the append-only trail (attacker review, 2026-12-02). Refused:
/// 429 with Retry-After, or the GraphQL error <c>RATE_LIMITED</c> with <c>retryAfter</c>; a refused request is neither
/// counted nor audited. Taken after authentication (not the rate-limiting middleware, which runs before it), so the
/// caller is known for what it is, not by its token. Per host: a second host gives each caller a second allowance.
/// </summary>
public sealed class InvoiceLookupLimit : IDisposable
{
    public const string RateLimitedCode = "RATE_LIMITED";
    private readonly InvoiceOptions options;
    private readonly TimeProvider time;
    private readonly TimeZoneInfo zone;
    private readonly PartitionedRateLimiter<string> perMinute;
    private readonly PartitionedRateLimiter<string> perDay;

    public InvoiceLookupLimit(InvoiceOptions options, TimeProvider time)
    {
        (this.options, this.time, zone) = (options, time, options.Zone());
        perMinute = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LookupsPerCallerPerMinute, Window = TimeSpan.FromMinutes(1) }));
        // Partitioned by caller and day: a new day is a new partition, and yesterday's is dropped once idle.
        perDay = PartitionedRateLimiter.Create<string, string>(callerDay => RateLimitPartition.GetFixedWindowLimiter(callerDay,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LookupsPerCallerPerDay, Window = TimeSpan.FromHours(25) }));
    }

    /// <summary>A refusal: how long until the caller may look up again, and which limit it passed.</summary>
    public sealed record Refused(TimeSpan Wait, string Said)
    {
        public int Seconds => Math.Max(1, (int)Math.Ceiling(Wait.TotalSeconds));
    }

    /// <summary>Null when the caller may make <paramref name="lookups"/> lookups now (permits are taken), else why not.</summary>
    public Refused? Refusal(ClaimsPrincipal user, int lookups)
    {
        var caller = user.GetClaim(OpenIddictConstants.Claims.Subject) ?? "";
        using (var minute = perMinute.AttemptAcquire(caller, lookups))
        {
            if (!minute.IsAcquired)
            {
                return new Refused(minute.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1),
                    $"At most {options.LookupsPerCallerPerMinute} invoice lookups a minute per caller (each signed-in client or person, " +
                    "however many tokens it holds; a batch counts each of its invoices)");
            }
        }
        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        using var day = perDay.AttemptAcquire($"{caller}|{now:yyyy-MM-dd}", lookups);
        if (day.IsAcquired)
        {
            return null;
        }
        var midnight = now.Date.AddDays(1);
        return new Refused(new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)) - now,
            $"At most {options.LookupsPerCallerPerDay} invoice lookups a day per caller, until midnight ({options.TimeZone})");
    }

    /// <summary>The single lookup's filter: a 429 problem with Retry-After when the caller is over a limit.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refuse(context.HttpContext, 1) ?? await next(context);

    /// <summary>Takes <paramref name="lookups"/> permits of the caller's; null when taken, else the 429 to answer (with Retry-After).</summary>
    public static IResult? Refuse(HttpContext http, int lookups)
    {
        if (http.RequestServices.GetRequiredService<InvoiceLookupLimit>().Refusal(http.User, lookups) is not { } refused)
        {
            return null;
        }
        http.Response.Headers.RetryAfter = refused.Seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many lookups",
            detail: $"{refused.Said}; retry after the number of seconds in Retry-After. Nothing of this request was looked up or counted.");
    }

    /// <summary>The GraphQL field's check: an error with code <see cref="RateLimitedCode"/> and <c>retryAfter</c> seconds when over.</summary>
    public void Admit(ClaimsPrincipal user)
    {
        if (Refusal(user, 1) is { } refused)
        {
            throw new ExecutionError($"{refused.Said}; retry after {refused.Seconds} seconds.")
            {
                Code = RateLimitedCode,
                Extensions = new Dictionary<string, object?> { ["retryAfter"] = refused.Seconds },
            };
        }
    }

    public void Dispose()
    {
        perMinute.Dispose();
        perDay.Dispose();
    }
}
