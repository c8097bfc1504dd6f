using Microsoft.Playwright;
using Platform.Api.Auth;

namespace Platform.Tests.Support;

/// <summary>
/// One person's browser tab on the platform: a fresh context (its own sessionStorage) at 1280×800 that accepts
/// downloads, records every request that leaves the platform's origin, and saves screenshots under the test output.
/// </summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly Uri origin;
    private readonly List<string> offsite = [];

    private BrowserTab(IBrowserContext context, IPage page, Uri origin)
    {
        this.context = context;
        this.origin = origin;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Requests to anywhere but the platform's own origin (scheme, host and port); blob: and data: stay inside the page.</summary>
    public IReadOnlyList<string> Offsite => offsite;

    /// <summary>Where screenshots go: <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<BrowserTab> OpenAsync(Chromium chromium, BrowserPlatform platform)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = Chromium.Window,
            AcceptDownloads = true,
            Locale = "zh-CN",
        });
        context.SetDefaultTimeout((float)Chromium.Deadline.TotalMilliseconds);
        var tab = new BrowserTab(context, await context.NewPageAsync(), platform.Address);
        context.Request += (_, request) => tab.Record(request.Url);
        return tab;
    }

    private void Record(string url)
    {
        var uri = new Uri(url);
        if (uri.Scheme is "blob" or "data")
        {
            return;
        }
        if (uri.Scheme != origin.Scheme || uri.Host != origin.Host || uri.Port != origin.Port)
        {
            lock (offsite)
            {
                offsite.Add(url);
            }
        }
    }

    /// <summary>Saves the whole page, or only <paramref name="part"/> of it, as <c>screenshots/NAME.png</c> and answers the file's path.</summary>
    public async Task<string> ScreenshotAsync(string name, ILocator? part = null)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        if (part is null)
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        }
        else
        {
            await part.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }
        Assert.True(new FileInfo(path).Length > 0, $"the screenshot {path} is empty");
        return path;
    }

    /// <summary>A new person (made on the platform with <see cref="WebFrontSignIn"/>) signed in on a tab of their own, at <paramref name="start"/>.</summary>
    public static async Task<BrowserTab> SignedInAsync(Chromium chromium, BrowserPlatform platform, NewPerson person, string start = "/portal")
    {
        await new WebFrontSignIn(platform).PersonAsync(person);
        var tab = await OpenAsync(chromium, platform);
        await tab.SignInAsync(person.Username, WebFrontSignIn.PasswordOf(person.Username), start);
        return tab;
    }

    /// <summary>Signs in on the platform's login page from the portal's sign-in button, and waits to be back on the portal.</summary>
    public async Task SignInAsync(string username, string password, string start = "/portal")
    {
        await Page.GotoAsync(new Uri(origin, start).AbsoluteUri);
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).Or(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).First.ClickAsync();
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == new Uri(origin, start).AbsolutePath);
        await Page.Locator("#sign-out").WaitForAsync(new() { State = WaitForSelectorState.Visible });
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
