using Microsoft.AspNetCore.Diagnostics;
using Platform.Ingest;

namespace Platform.Api.Hosting;

/// <summary>
/// PostgreSQL unreachable (stopped, restarting, network) is the platform's problem, not the caller's: answer 503 with
/// a Retry-After so agency systems retry, instead of a bare 500.
/// </summary>
internal sealed class DatabaseUnavailable(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!DatabaseFaults.IsTransient(exception))
        {
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "30";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = "The platform cannot reach its database just now; nothing was changed. Retry in a little while.",
            },
        });
    }
}
