using System.Collections.Concurrent;
using Microsoft.Playwright;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>A portal left open keeps working: an access token near its end is renewed with the refresh token first.</summary>
public sealed class PortalRenewalTests
{
    [Fact]
    public async Task A_token_with_under_a_minute_left_is_renewed_with_the_refresh_token_and_the_portal_keeps_working()
    {
        await using var platform = new BrowserPlatform();
        platform.WithSetting("Tokens:AccessTokenLifetime", "00:00:30");   // every token starts with under a minute left
        await platform.InitializeAsync();
        await new WebFrontSignIn(platform).PersonAsync(new NewPerson("portal-clerk-renewal", Roles.Agency, "market-regulator"));
        await using var chromium = await Chromium.LaunchAsync();
        await using var tab = await BrowserTab.OpenAsync(chromium, platform);
        var grants = new ConcurrentQueue<string>();
        tab.Page.Request += (_, request) =>
        {
            if (request.Method == "POST" && new Uri(request.Url).AbsolutePath == "/connect/token")
            {
                grants.Enqueue(request.PostData ?? "");
            }
        };

        await tab.SignInAsync("portal-clerk-renewal", WebFrontSignIn.PasswordOf("portal-clerk-renewal"));
        await Assertions.Expect(tab.Page.Locator("#template-business-registrations")).ToBeVisibleAsync();
        await Assertions.Expect(tab.Page.Locator("#scoreboard-body table")).ToBeVisibleAsync();
        await Assertions.Expect(tab.Page.Locator("#notice")).ToBeHiddenAsync();
        await tab.ScreenshotAsync("portal-renewed");

        Assert.Single(grants, g => g.Contains("grant_type=authorization_code", StringComparison.Ordinal));
        Assert.Contains(grants, g => g.Contains("grant_type=refresh_token", StringComparison.Ordinal));
        Assert.Empty(tab.Offsite);
    }
}
