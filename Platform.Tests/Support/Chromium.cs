using Microsoft.Playwright;

namespace Platform.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (its driver ships in the NuGet package; no browser is downloaded). A machine
/// without it fails the browser tests, saying how to install it: ops/test does so through ops/web install.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The window every page test uses: the size the pages are designed to be readable at.</summary>
    public static readonly ViewportSize Window = new() { Width = 1280, Height = 800 };

    /// <summary>
    /// How long a step or an expectation on a page may wait before it fails: a deadline, not a timing. A loaded two-core
    /// machine running the whole suite can take far longer than Playwright's default 5 s to draw what a request brought back.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly IPlaywright playwright;

    // Playwright's expectations read one setting of their own, which only the browser tests use.
    static Chromium() => Assertions.SetDefaultExpectTimeout((float)Deadline.TotalMilliseconds);

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync(string executablePath = ExecutablePath)
    {
        if (!File.Exists(executablePath))
        {
            Assert.Fail($"Chromium is not installed at {executablePath}, and the browser tests need it: run ops/web install " +
                        "(as root; it installs Debian's chromium with apt-get), then run the tests again.");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executablePath,
            Headless = true,
            // As root Chromium needs --no-sandbox; the rest keep it from reaching for Google's services, which this
            // machine's closed network refuses (and which no page of the platform needs).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-domain-reliability"],
        });
        return new Chromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
