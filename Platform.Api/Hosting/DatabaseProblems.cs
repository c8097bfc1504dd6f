using Microsoft.AspNetCore.Diagnostics;
using Platform.Ingest;

namespace Platform.Api.Hosting;

/// <summary>
/// What the database refused, answered for what it is rather than as a bare 500:
/// <list type="bullet">
/// <item>PostgreSQL unreachable (stopped, restarting, network) is the platform's problem, not the caller's: 503 with a
/// Retry-After, so agency systems retry.</item>
/// <item>A value PostgreSQL does not store (a NUL character in a query string, a form field or a JSON string) is the
/// caller's to fix: 400 saying so (attacker review, 2026-12-02: audit filters, a template filter, a person's office).</item>
/// </list>
/// </summary>
internal sealed class DatabaseProblems(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            _ when DatabaseFaults.IsTransient(exception) => (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                DatabaseFaults.UnavailableAdvice),
            _ when DatabaseFaults.IsUnstorableText(exception) => (StatusCodes.Status400BadRequest, "A value cannot be stored",
                DatabaseFaults.UnstorableTextAdvice),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "30";
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
