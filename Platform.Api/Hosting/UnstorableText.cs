using Microsoft.AspNetCore.Diagnostics;
using Platform.Ingest;

namespace Platform.Api.Hosting;

/// <summary>
/// A value PostgreSQL refuses to store (a NUL character in a query string, a form field or a JSON string) is the caller's
/// to fix: a 400 saying so, rather than the 500 it was wherever a parameter reached a statement unchecked (attacker
/// review, 2026-12-02: audit filters, a template filter, a person's office).
/// </summary>
internal sealed class UnstorableText(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!DatabaseFaults.IsUnstorableText(exception))
        {
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "A value cannot be stored", Detail = DatabaseFaults.UnstorableTextAdvice },
        });
    }
}
