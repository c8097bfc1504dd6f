using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Platform.Api.Invoices;

/// <summary>
/// The per-client rate limit of the lookup endpoints (ASP.NET Core's rate limiter): <see cref="InvoiceOptions.RequestsPerClientPerMinute"/>
/// requests a minute per bearer token (a client's token; the rate limiter runs before authentication, so the caller's
/// identity is not known yet), else per address, answered 429 with Retry-After when over. New tokens cannot be drawn
/// faster than the token endpoint's own limit allows.
/// </summary>
public sealed class InvoiceLookupLimit(InvoiceOptions options) : IRateLimiterPolicy<string>
{
    public const string Policy = "invoice-lookups";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => RateLimitPartition.GetFixedWindowLimiter(
        httpContext.Request.Headers.Authorization.ToString() is { Length: > 0 } token ? token : httpContext.Connection.RemoteIpAddress?.ToString() ?? "",
        _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RequestsPerClientPerMinute, Window = TimeSpan.FromMinutes(1) });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many lookups",
                Detail = $"At most {options.RequestsPerClientPerMinute} invoice lookups a minute per client; retry after the number of " +
                         "seconds in Retry-After, or send many invoices at once to /api/invoices/verify-batch.",
            },
        });
    };
}
