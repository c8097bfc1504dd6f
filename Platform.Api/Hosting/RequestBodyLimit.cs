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
internal sealed partial class RequestRefused(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <summary>
    /// A binding failure said without the platform's type names (<c>Nullable&lt;DateTimeOffset&gt; from</c>, a body record's
    /// name), which tell a caller nothing it can use; the value sent is quoted to 100 characters.
    /// </summary>
    internal static string Described(string message)
    {
        if (BindFailed().Match(message) is { Success: true } bind)
        {
            var value = bind.Groups["value"].Value;
            return $"The parameter '{bind.Groups["name"].Value}' cannot be read from \"{(value.Length <= 100 ? value : value[..100] + "…")}\"; " +
                   "its form is in the API documentation (/swagger).";
        }
        if (BodyFailed().IsMatch(message))
        {
            return "The request body is not the JSON this endpoint reads; its form is in the API documentation (/swagger).";
        }
        return Missing().Match(message) is { Success: true } missing
            ? $"The parameter '{missing.Groups["name"].Value}' is required ({missing.Groups["where"].Value})."
            : message;
    }

    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "(?:.*\s)?(?<name>\w+)" from "(?<value>.*)"\.$""", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BindFailed();

    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to read parameter ".*" from the request body as JSON\.$""", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex BodyFailed();

    [System.Text.RegularExpressions.GeneratedRegex("""^Required parameter "(?:.*\s)?(?<name>\w+)" was not provided from (?<where>.*)\.$""", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex Missing();

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
                Detail = Described(refused.Message),
            },
        });
    }
}
