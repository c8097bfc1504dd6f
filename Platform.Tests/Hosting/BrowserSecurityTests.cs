using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Api.Hosting;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

public sealed class BrowserSecurityTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/agencies")]
    [InlineData("/swagger/index.html")]
    [InlineData("/.well-known/openid-configuration")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var response = await platform.CreateClient().GetAsync(path);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal(BrowserSecurity.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.Null(Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Https_responses_carry_hsts()
    {
        var client = platform.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync("/health/live");
        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swagger_ui_loads_under_the_content_policy_its_scripts_are_files_of_this_host()
    {
        var client = platform.CreateClient();
        var page = await client.GetStringAsync("/swagger/index.html");
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", page);
        var sources = System.Text.RegularExpressions.Regex.Matches(page, "<script[^>]*\\bsrc=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Assert.False(Uri.TryCreate(source, UriKind.Absolute, out _), source);
            using var script = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/swagger/"), source));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [Fact]
    public async Task A_cross_origin_preflight_is_not_allowed_by_default()
    {
        using var response = await platform.CreateClient().SendAsync(Preflight("https://elsewhere.example"));
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_listed_origin_is_allowed_and_others_are_not()
    {
        await using var open = new PlatformFactory().WithSetting("Platform:CorsOrigins:0", "https://portal.example");
        await ((IAsyncLifetime)open).InitializeAsync();
        var client = open.CreateClient();

        using var listed = await client.SendAsync(Preflight("https://portal.example"));
        Assert.Equal("https://portal.example", Header(listed, "Access-Control-Allow-Origin"));
        using var other = await client.SendAsync(Preflight("https://elsewhere.example"));
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/me");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
}
