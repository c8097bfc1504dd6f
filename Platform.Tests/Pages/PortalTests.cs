using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>
/// The agency clerk's portal (/portal) in Debian's Chromium against the platform on a real loopback port: a clerk signs
/// in through the platform's login page (code + PKCE), downloads an example, sends it and sees it accepted, sends a bad
/// file and reads its errors; refusals of the API show on the page; the language switch; no request leaves the platform.
/// Each test saves screenshots under the test output (<see cref="BrowserTab.ScreenshotFolder"/>).
/// </summary>
public sealed class PortalTests(BrowserPlatform platform) : IClassFixture<BrowserPlatform>, IAsyncLifetime
{
    private static readonly TimeSpan Processing = TimeSpan.FromSeconds(90);

    private Chromium chromium = null!;

    public async Task InitializeAsync() => chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await chromium.DisposeAsync();

    /// <summary>A new person of the role signed in on a tab of their own, at <paramref name="start"/>.</summary>
    private async Task<BrowserTab> SignedInAsync(string username, string role = Roles.Agency, string? agency = "market-regulator",
        string start = "/portal")
    {
        var bureau = role == Roles.Agency ? null : "nanchong-bureau";
        return await BrowserTab.SignedInAsync(chromium, platform, new NewPerson(username, role, agency, bureau, bureau is null ? null : "5113"), start);
    }

    private static ILocator ReceiptWithStatus(IPage page, string fileName, string status) =>
        page.Locator("#receipts-table tbody tr").Filter(new() { HasText = fileName }).Locator($"[data-status='{status}']");

    [Fact]
    public async Task A_clerk_downloads_an_example_sends_it_and_sees_its_receipt_reach_accepted()
    {
        await using var tab = await SignedInAsync("portal-clerk");
        var page = tab.Page;
        var card = page.Locator("#template-business-registrations");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("table")).ToContainTextAsync("uscc");
        await tab.ScreenshotAsync("portal-templates");

        var csv = await page.RunAndWaitForDownloadAsync(() => card.Locator(".example-csv").ClickAsync());
        Assert.EndsWith("-example.csv", csv.SuggestedFilename, StringComparison.Ordinal);
        var xlsx = await page.RunAndWaitForDownloadAsync(() => card.Locator(".example-xlsx").ClickAsync());
        Assert.EndsWith("-example.xlsx", xlsx.SuggestedFilename, StringComparison.Ordinal);
        var example = Path.Combine(TestDirectories.New("downloads"), xlsx.SuggestedFilename);
        await xlsx.SaveAsAsync(example);

        await page.Locator("#send-template").SelectOptionAsync("business-registrations|1");
        await page.Locator("#send-file").SetInputFilesAsync(example);
        await page.Locator("#check").ClickAsync();
        await Assertions.Expect(page.Locator("#send-status")).ToContainTextAsync("检查通过");
        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#send-status")).ToContainTextAsync("回执编号");
        await Assertions.Expect(page.Locator("#progress")).ToHaveAttributeAsync("value", "100");
        await Assertions.Expect(ReceiptWithStatus(page, xlsx.SuggestedFilename, "accepted"))
            .ToBeVisibleAsync(new() { Timeout = (float)Processing.TotalMilliseconds });
        await tab.ScreenshotAsync("portal-accepted");

        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task A_clerk_checks_and_sends_a_bad_file_and_reads_its_errors_in_the_table()
    {
        // Serials of their own: other tests of the class send registrations of the same agency and period, and a key
        // already held would be a second error on the row.
        var bad = Files.Registration(902);
        bad[0] = "NOT-A-CREDIT-CODE";
        var path = Path.Combine(TestDirectories.New("uploads"), "registrations-with-errors.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Files.Utf8(Files.Csv([Files.Registration(901), bad])));
        await using var tab = await SignedInAsync("portal-clerk-errors");
        var page = tab.Page;
        await page.Locator("#send-template").SelectOptionAsync("business-registrations|1");
        await page.Locator("#send-period").FillAsync("2024-03");
        await page.Locator("#send-file").SetInputFilesAsync(path);
        await page.Locator("#check").ClickAsync();
        await Assertions.Expect(page.Locator("#check-result table")).ToContainTextAsync("NOT-A-CREDIT-CODE");
        await page.Locator("#send-button").ClickAsync();
        var receipt = page.Locator("#receipts-table tbody tr").Filter(new() { HasText = "registrations-with-errors.csv" });
        await Assertions.Expect(receipt.Locator("[data-status='accepted-with-errors']"))
            .ToBeVisibleAsync(new() { Timeout = (float)Processing.TotalMilliseconds });

        await receipt.Locator(".open-report").ClickAsync();
        var report = page.Locator("#report-table");
        await Assertions.Expect(report).ToBeVisibleAsync();
        await Assertions.Expect(report.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(report.Locator("tbody tr").First).ToContainTextAsync("uscc");
        await Assertions.Expect(report.Locator("tbody tr").First).ToContainTextAsync("NOT-A-CREDIT-CODE");
        await Assertions.Expect(report.Locator("tbody tr").First).ToContainTextAsync("3");   // the row as Excel shows it
        await tab.ScreenshotAsync("portal-error-report");

        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("#report .report-xlsx").ClickAsync());
        Assert.EndsWith("-errors.xlsx", xlsx.SuggestedFilename, StringComparison.Ordinal);
        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#report .report-csv").ClickAsync());
        var saved = Path.Combine(Path.GetDirectoryName(path)!, csv.SuggestedFilename);
        await csv.SaveAsAsync(saved);
        Assert.Contains("NOT-A-CREDIT-CODE", await File.ReadAllTextAsync(saved), StringComparison.Ordinal);

        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task An_upload_whose_connection_dropped_says_to_send_again_and_a_cancelled_one_says_it_was_cancelled()
    {
        var path = Path.Combine(TestDirectories.New("uploads"), "registrations-resent.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Files.Utf8(Files.Csv([Files.Registration(911), Files.Registration(912)])));
        await using var tab = await SignedInAsync("portal-clerk-resend");
        var page = tab.Page;
        await page.Locator("#send-template").SelectOptionAsync("business-registrations|1");
        await page.Locator("#send-period").FillAsync("2024-03");
        await page.Locator("#send-file").SetInputFilesAsync(path);
        var uploads = new Regex("/api/submissions\\?");

        await page.RouteAsync(uploads, route => route.Request.Method == "POST" ? route.AbortAsync("connectionreset") : route.ContinueAsync());
        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#send-status")).ToContainTextAsync("连接中断");
        await Assertions.Expect(page.Locator("#send-button")).ToBeEnabledAsync();
        await tab.ScreenshotAsync("portal-upload-dropped");
        await page.UnrouteAllAsync();

        // An upload the server never answers, cancelled by the clerk.
        await page.RouteAsync(uploads, route => route.Request.Method == "POST" ? Task.CompletedTask : route.ContinueAsync());
        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#cancel")).ToBeVisibleAsync();
        await page.Locator("#cancel").ClickAsync();
        await Assertions.Expect(page.Locator("#send-status")).ToContainTextAsync("已取消上传");
        await Assertions.Expect(page.Locator("#cancel")).ToBeHiddenAsync();
        await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });

        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#send-status")).ToContainTextAsync("回执编号");
        await Assertions.Expect(ReceiptWithStatus(page, "registrations-resent.csv", "accepted"))
            .ToBeVisibleAsync(new() { Timeout = (float)Processing.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#receipts-table tbody tr").Filter(new() { HasText = "registrations-resent.csv" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Another_agencys_receipt_is_refused_by_the_api_and_the_page_says_so()
    {
        var market = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await market.SubmitAsync(Files.Registrations(2));
        await using (var clerk = await SignedInAsync("portal-housing-clerk", agency: "housing-registry", start: $"/portal#receipt={receipt.Id}"))
        {
            await Assertions.Expect(clerk.Page.Locator("#report .refused")).ToContainTextAsync($"找不到回执 {receipt.Id}");
            await Assertions.Expect(clerk.Page.Locator("#receipt-list")).Not.ToContainTextAsync(receipt.FileName);
            await clerk.ScreenshotAsync("portal-other-agency-refused");
            Assert.Empty(clerk.Offsite);
        }

        await using var leader = await SignedInAsync("portal-leader", Roles.Leader, agency: null, start: $"/portal#receipt={receipt.Id}");
        await Assertions.Expect(leader.Page.Locator("#notice")).ToContainTextAsync("本门户供部门报送员使用");
        await Assertions.Expect(leader.Page.Locator("#report .refused")).ToContainTextAsync("平台拒绝");
        await Assertions.Expect(leader.Page.Locator("#send")).ToBeHiddenAsync();
        await leader.ScreenshotAsync("portal-leader-refused");
        Assert.Empty(leader.Offsite);
    }

    [Fact]
    public async Task The_language_switch_turns_the_portal_into_english_and_back_and_every_input_has_a_label()
    {
        await using var tab = await SignedInAsync("portal-clerk-language");
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#templates-title")).ToHaveTextAsync("本单位生效的模板");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");

        await page.Locator("#language").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#templates-title")).ToHaveTextAsync("Your agency's active templates");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("#template-business-registrations .example-xlsx")).ToHaveTextAsync("Download example (.xlsx)");
        await Assertions.Expect(page.Locator("label[for='send-period']")).ToHaveTextAsync("Period (year-month)");
        await tab.ScreenshotAsync("portal-english");

        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea, progress')].filter(e => e.labels.length === 0).map(e => e.id || e.name)");
        Assert.Empty(unlabelled);

        await page.Locator("#language").ClickAsync();
        await Assertions.Expect(page.Locator("#templates-title")).ToHaveTextAsync("本单位生效的模板");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task The_keyboard_reaches_every_control_of_the_send_form_in_order()
    {
        await using var tab = await SignedInAsync("portal-clerk-keyboard");
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#template-business-registrations")).ToBeVisibleAsync();
        await page.Locator("#language").FocusAsync();

        var reached = new List<string>();
        for (var step = 0; step < 40 && !reached.Contains("send-button"); step++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.className"));
        }
        string[] form = ["send-template", "send-period", "send-mode", "send-file", "check", "send-button"];
        // A month input takes several stops (month, year, its picker), all on the one element.
        Assert.Equal(form, reached.Where(form.Contains).Distinct().ToArray());
        Assert.Contains("example-xlsx", reached);
        await tab.ScreenshotAsync("portal-keyboard");
    }

    [Fact]
    public async Task Signing_out_ends_the_sign_in_and_the_portal_asks_to_sign_in_again()
    {
        await using var tab = await SignedInAsync("portal-clerk-out");
        var page = tab.Page;
        await page.Locator("#sign-out").ClickAsync();
        await page.WaitForURLAsync(platform.Address.AbsoluteUri);
        await page.GotoAsync(new Uri(platform.Address, "/portal").AbsoluteUri);
        await Assertions.Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        await tab.ScreenshotAsync("portal-signed-out");
        Assert.Empty(tab.Offsite);
    }
}
