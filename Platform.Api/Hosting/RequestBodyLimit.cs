using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.Api.Hosting;

/// <summary>
/// A body bound of an endpoint's own, smaller than the server's 30 MB default (meant for forms): a declared length over
/// it is refused before anything is read; a body sent without one (chunked) is cut by the server when it passes the
/// bound, which <see cref="RequestRefused"/> answers 413.
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>Null when the body may be read (within the bound from here on), else the 413 to answer.</summary>
    public static IResult? Apply(HttpContext http, long maxBytes, string what) => Admits(http, maxBytes) ? null : TooLarge(maxBytes, what);

    /// <summary>Whether the body may be read: false when its declared length is over the bound; else the server cuts it there.</summary>
    public static bool Admits(HttpContext http, long maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return false;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }
        return true;
    }

    public static IResult TooLarge(long maxBytes, string what) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request too large", detail: $"The body is larger than {maxBytes:N0} bytes, the most {what} takes.");
}

/// <summary>
/// A request the server refused while it was read (a body over its bound, a malformed chunk): the server's own status,
/// 413 or 400, with its reason, instead of a 500.
/// </summary>
internal sealed class RequestRefused(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException refused || http.Response.HasStarted)
        {
            return false;
        }
        http.Response.StatusCode = refused.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = refused.StatusCode,
                Title = refused.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Request not readable",
                Detail = refused.Message,
            },
        });
    }
}
