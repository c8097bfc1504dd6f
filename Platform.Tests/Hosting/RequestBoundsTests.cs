using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

/// <summary>
/// Bodies over an endpoint's bound, on a real server (Kestrel enforces the bound of a body sent without a length): a 413
/// that says what to send, never a 500, whether the length is declared or the body is chunked.
/// </summary>
public sealed class RequestBoundsTests(BrowserPlatform platform) : IClassFixture<BrowserPlatform>
{
    [Fact]
    public async Task A_lookup_body_over_its_bound_is_413_declared_or_chunked()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "finance");
        var oversized = "{\"number\":\"" + new string('1', VerifyInvoice.MaxBodyBytes) + "\"}";

        using var declared = await client.PostAsync("/api/invoices/verify", new StringContent(oversized, Encoding.UTF8, "application/json"));
        using var chunked = await client.SendAsync(Chunked("/api/invoices/verify", oversized));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("/api/invoices/verify-batch", await declared.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("Request too large", JsonDocument.Parse(await chunked.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_graphql_body_over_its_bound_is_413_declared_or_chunked()
    {
        var client = await platform.ClientForAsync(Roles.Analyst);
        var oversized = "{\"query\":\"{ me { role } }\",\"variables\":{\"x\":\"" + new string('x', 1_100_000) + "\"}}";

        using var declared = await client.PostAsync("/graphql", new StringContent(oversized, Encoding.UTF8, "application/json"));
        using var chunked = await client.SendAsync(Chunked("/graphql", oversized));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("GraphQL:MaxRequestBytes", await declared.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
    }

    /// <summary>A JSON body sent without a length (chunked transfer), so only the server's bound can stop it.</summary>
    private static HttpRequestMessage Chunked(string path, string json)
    {
        var content = new StreamContent(new Unseekable(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Headers = { TransferEncodingChunked = true } };
    }

    /// <summary>A stream whose length cannot be known, as a client streaming a body it is still producing.</summary>
    private sealed class Unseekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
