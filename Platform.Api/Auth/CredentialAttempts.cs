using System.Threading.RateLimiting;

namespace Platform.Api.Auth;

/// <summary>
/// A bound on guessing secrets: requests to an endpoint that checks credentials (the token endpoint; a login page
/// later) are limited per client address by one named policy, answered 429 with Retry-After when over.
/// </summary>
public static class CredentialAttempts
{
    public const string Policy = "credentials";

    public static IServiceCollection AddCredentialAttemptsLimit(this IServiceCollection services, TokenOptions tokens) =>
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = tokens.CredentialAttemptsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            options.OnRejected = async (context, _) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many attempts",
                        Detail = "Too many requests with credentials from this address; retry after the number of seconds in Retry-After.",
                    },
                });
            };
        });
}
