using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Api.Auth;

namespace Platform.Api.Invoices;

/// <summary>
/// The per-client rate limit of the lookup endpoints (ASP.NET Core's rate limiter): <see cref="InvoiceOptions.RequestsPerClientPerMinute"/>
/// requests a minute per caller, answered 429 with Retry-After when over. The rate limiter runs before authentication
/// (the token endpoint's own limit must come before OpenIddict checks a client's secret), so the caller is known by its
/// bearer token: a token this host has validated counts for its subject (the client, or the signed-in person), all of
/// that subject's tokens together (<see cref="ValidatedTokens.SubjectOf"/>); a token not validated yet, for itself (its
/// first request; a forged token never names a subject); no token, for the address. So a client that draws a new token
/// for each request gains one request per token, and new tokens cannot be drawn faster than the token endpoint allows.
/// </summary>
public sealed class InvoiceLookupLimit(InvoiceOptions options) : IRateLimiterPolicy<string>
{
    public const string Policy = "invoice-lookups";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) => RateLimitPartition.GetFixedWindowLimiter(
        Caller(httpContext), _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RequestsPerClientPerMinute, Window = TimeSpan.FromMinutes(1) });

    /// <summary>The partition of a request: its token's subject, else its token, else its address (each kind apart).</summary>
    private static string Caller(HttpContext httpContext) =>
        BearerScheme.Token(httpContext.Request.Headers.Authorization.ToString()) is { } token
            ? httpContext.RequestServices.GetRequiredService<ValidatedTokens>().SubjectOf(token) is { } subject ? "subject:" + subject : "token:" + token
            : "address:" + httpContext.Connection.RemoteIpAddress;

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
