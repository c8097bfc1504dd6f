using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Api.Submissions;
using Platform.Ingest.Submissions;

namespace Platform.Tests.Support;

/// <summary>Sending files and waiting for their receipts, as an agency system does.</summary>
public static class SubmissionClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, byte[] file, string template = "business-registrations",
        int version = 1, string period = "2024-03", string? mode = null, string mediaType = "text/csv", string? idempotencyKey = null)
    {
        var url = $"/api/submissions?template={template}&version={version}&period={period}" + (mode is null ? "" : $"&mode={mode}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await client.SendAsync(request);
    }

    public static async Task<Receipt> ReceiptOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Receipt>(Json))!;
    }

    /// <summary>Sends a file and polls its receipt until the worker has finished with it.</summary>
    public static async Task<Receipt> SubmitAsync(this HttpClient client, byte[] file, string template = "business-registrations",
        int version = 1, string period = "2024-03", string? mode = null, string mediaType = "text/csv", string? idempotencyKey = null)
    {
        var receipt = await ReceiptOf(await client.SendAsync(file, template, version, period, mode, mediaType, idempotencyKey));
        return await client.FinishedAsync(receipt.Id);
    }

    public static async Task<IReadOnlyList<ErrorLine>> ErrorsAsync(this HttpClient client, string id) => (await client.ErrorReportAsync(id)).Errors;

    public static async Task<ErrorReportDocument> ErrorReportAsync(this HttpClient client, string id) =>
        (await client.GetFromJsonAsync<ErrorReportDocument>($"/api/submissions/{id}/errors", Json))!;

    /// <summary>Polls a receipt until the worker has finished with it; fails naming the submission and its last status if it does not.</summary>
    public static Task<Receipt> FinishedAsync(this HttpClient client, string id, int seconds = 60) =>
        Eventually.Until(
            async () => (await client.GetFromJsonAsync<Receipt>($"/api/submissions/{id}", Json))!,
            receipt => receipt.Status is not (SubmissionStatus.Received or SubmissionStatus.Validating),
            $"submission {id} to finish", TimeSpan.FromSeconds(seconds),
            receipt => $"{receipt.Status} after {receipt.RowsRead} rows");
}
