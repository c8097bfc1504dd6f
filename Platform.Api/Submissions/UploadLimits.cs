using Microsoft.AspNetCore.Http.Features;
using Platform.Ingest.Storage;

namespace Platform.Api.Submissions;

/// <summary>How an endpoint that takes a file bounds it: by the configured file size, not the server's form limit.</summary>
public static class UploadLimits
{
    /// <summary>
    /// Lifts the server's default body limit (30 MB, meant for forms): the upload store enforces the configured file
    /// size as it streams, with a clear 413 (<see cref="TooLarge"/>).
    /// </summary>
    public static void LiftServerLimit(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
    }

    public static IResult TooLarge(UploadTooLargeException e) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "File too large", detail: $"{e.Message} Split it by period or send it compressed as .xlsx.");
}
