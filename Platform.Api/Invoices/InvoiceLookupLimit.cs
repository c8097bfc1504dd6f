using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using GraphQL;
using OpenIddict.Abstractions;

namespace Platform.Api.Invoices;

/// <summary>
/// The per-caller rate limit of invoice lookups (System.Threading.RateLimiting's partitioned fixed window, as ASP.NET
/// Core's rate limiter uses): <see cref="InvoiceOptions.RequestsPerClientPerMinute"/> a minute per signed-in subject (a
/// client, or a person), whichever of its tokens it sends, over REST and GraphQL together: a REST request takes one
/// permit (a batch too), each <c>verifyInvoice</c> field of a GraphQL request one. Refused: 429 with Retry-After, or the
/// GraphQL error <c>RATE_LIMITED</c>. Taken after authentication (an endpoint filter, not the rate-limiting middleware,
/// which runs before it), so the caller is known for what it is, not by its token. Per host: a second host gives each
/// caller a second allowance.
/// </summary>
public sealed class InvoiceLookupLimit : IDisposable
{
    public const string RateLimitedCode = "RATE_LIMITED";
    private readonly InvoiceOptions options;
    private readonly PartitionedRateLimiter<string> limiter;

    public InvoiceLookupLimit(InvoiceOptions options)
    {
        this.options = options;
        limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RequestsPerClientPerMinute, Window = TimeSpan.FromMinutes(1) }));
    }

    /// <summary>Null when the caller may look up now (a permit is taken), else how long until it may.</summary>
    public TimeSpan? Refusal(ClaimsPrincipal user)
    {
        using var lease = limiter.AttemptAcquire(user.GetClaim(OpenIddictConstants.Claims.Subject) ?? "");
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    /// <summary>The REST endpoints' filter: a 429 problem with Retry-After when the caller is over its limit.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limit = http.RequestServices.GetRequiredService<InvoiceLookupLimit>();
        if (limit.Refusal(http.User) is not { } wait)
        {
            return await next(context);
        }
        http.Response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many lookups",
            detail: $"{limit.Said()}; retry after the number of seconds in Retry-After, or send many invoices at once to /api/invoices/verify-batch.");
    }

    /// <summary>The GraphQL field's check: an error with code <see cref="RateLimitedCode"/> and <c>retryAfter</c> seconds when over.</summary>
    public void Admit(ClaimsPrincipal user)
    {
        if (Refusal(user) is { } wait)
        {
            throw new ExecutionError($"{Said()}; retry after {Seconds(wait)} seconds.")
            {
                Code = RateLimitedCode,
                Extensions = new Dictionary<string, object?> { ["retryAfter"] = Seconds(wait) },
            };
        }
    }

    private string Said() => $"At most {options.RequestsPerClientPerMinute} invoice lookups a minute per caller (each signed-in client or person, however many tokens it holds)";

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public void Dispose() => limiter.Dispose();
}
