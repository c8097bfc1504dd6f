using System.Net;
using System.Text.RegularExpressions;
using Platform.Api.Hosting;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>The pages and their files are served without a token, under the platform's content policy, from this host only.</summary>
public sealed partial class PagesTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [GeneratedRegex("<(?:script|link)[^>]*\\b(?:src|href)=\"([^\"]+)\"")]
    private static partial Regex Referenced();

    [Theory]
    [InlineData("/")]
    [InlineData("/portal")]
    [InlineData("/dashboard")]
    [InlineData("/signed-in")]
    public async Task A_page_and_every_file_it_loads_are_served_without_a_token_under_the_content_policy(string path)
    {
        var client = platform.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(BrowserSecurity.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);   // no inline script: the policy admits files of this host only
        foreach (var file in Referenced().Matches(html).Select(m => m.Groups[1].Value))
        {
            Assert.StartsWith("/web/", file, StringComparison.Ordinal);
            using var loaded = await client.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        }
    }

    [Fact]
    public async Task The_chart_library_from_the_lock_file_is_served_minified_with_its_licence()
    {
        var client = platform.CreateClient();
        using var script = await client.GetAsync("/web/vendor/echarts.min.js");
        Assert.True(script.StatusCode == HttpStatusCode.OK,
            "/web/vendor/echarts.min.js is not served: run ops/web install (it copies web/node_modules/echarts into Platform.Api/Pages/site/vendor) and build again.");
        Assert.Contains("echarts", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var licence = await client.GetAsync("/web/vendor/echarts.LICENSE.txt");
        Assert.Contains("Apache License", await licence.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_scripts_call_only_this_host()
    {
        var client = platform.CreateClient();
        var folder = Path.Combine(AppContext.BaseDirectory, "site", "js");
        var scripts = Directory.GetFiles(folder, "*.js");
        Assert.Contains(scripts, s => s.EndsWith("portal.js", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            var text = await client.GetStringAsync("/web/js/" + Path.GetFileName(script));
            Assert.DoesNotMatch("(?:https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", text);
        }
    }

    [Fact]
    public async Task A_missing_chromium_fails_the_browser_tests_saying_how_to_install_it()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Chromium.LaunchAsync("/nonexistent/chromium"));
        Assert.Contains("ops/web install", failure.Message, StringComparison.Ordinal);
    }
}
