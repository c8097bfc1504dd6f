using System.Net;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>
/// A path the router sends to one of our passthrough endpoints is also one OpenIddict's server
/// handles (ServerEndpointSchemes), or the endpoint runs without OpenIddict's validation.
/// </summary>
public sealed class ServerEndpointPathVariantsTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Theory]
    [InlineData("/connect/token")]
    [InlineData("/CONNECT/TOKEN")]
    [InlineData("/connect/token/")]
    [InlineData("//connect/token")]
    [InlineData("/connect//token")]
    [InlineData("/connect/%74oken")]
    [InlineData("/connect%2Ftoken")]
    [InlineData("/./connect/token")]
    [InlineData("/api/../connect/token")]
    [InlineData("/connect/token;x")]
    public async Task A_token_request_by_any_spelling_is_validated_by_openiddict_or_not_routed(string path)
    {
        var client = platform.DemoClient(Roles.Analyst);
        using var good = await Post(path, client.ClientId, client.ClientSecret);
        using var bad = await Post(path, client.ClientId, "wrong");
        var seen = $"{path}: good {(int)good.StatusCode}, bad {(int)bad.StatusCode} {await bad.Content.ReadAsStringAsync()}";
        // 401 for the good secret: not routed to the token endpoint (the fallback policy asks for a token).
        Assert.True(good.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, seen);
        Assert.True(bad.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, seen);
        Assert.NotEqual(HttpStatusCode.OK, bad.StatusCode);
    }

    [Theory]
    [InlineData("/CONNECT/LOGOUT")]
    [InlineData("/connect/logout/")]
    [InlineData("/Connect/Authorize/")]
    public async Task Other_endpoints_by_any_spelling_never_fail_with_a_500(string path)
    {
        using var response = await platform.CreateClient().GetAsync(path);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    private async Task<HttpResponseMessage> Post(string path, string id, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("http://localhost" + path))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
            }),
        };
        return await platform.CreateClient().SendAsync(request);
    }
}
