using System.Text;
using Microsoft.Playwright;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>
/// The portal's invoice check in Debian's Chromium: a clerk checks single invoices (consistent, inconsistent, malformed)
/// by keyboard and reads each answer where it belongs (and the day's limit with its reset time), and checks a batch file whose answers come back as a table in the
/// file's order and download as CSV. The invoices are the bureau's, sent through the upload path as the tax bureau.
/// </summary>
public sealed class PortalInvoiceTests(BrowserPlatform platform) : IClassFixture<BrowserPlatform>, IAsyncLifetime
{
    private Chromium chromium = null!;

    public async Task InitializeAsync() => chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await chromium.DisposeAsync();

    private Task<BrowserTab> ClerkAsync(string username) =>
        BrowserTab.SignedInAsync(chromium, platform, new NewPerson(username, Roles.Agency, "market-regulator"));

    /// <summary>Types each field's value by keyboard, field after field, and presses Enter to check.</summary>
    private static async Task CheckByKeyboardAsync(IPage page, string code, string number, string issueDate, string amount)
    {
        await page.Locator("#invoice-code").FocusAsync();
        foreach (var value in new[] { code, number })
        {
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync(value);
            await page.Keyboard.PressAsync("Tab");
        }
        await page.Locator("#invoice-issueDate").FillAsync(issueDate);
        await page.Locator("#invoice-amountExcludingTax").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(amount);
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>The page states the limits the bureau set, not the defaults its words were written with.</summary>
    [Fact]
    public async Task The_page_states_the_limits_as_configured()
    {
        await using var configured = new BrowserPlatform();
        configured.WithSetting("Invoices:LookupsPerInvoicePerDay", "7").WithSetting("Invoices:LookupsPerInvoicePerCallerPerDay", "6")
            .WithSetting("Invoices:MaxBatchInvoices", "300");
        await configured.InitializeAsync();
        await using var tab = await BrowserTab.SignedInAsync(chromium, configured, new NewPerson("portal-limits-clerk", Roles.Agency, "market-regulator"));

        await Assertions.Expect(tab.Page.Locator("#invoices-lead")).ToContainTextAsync("每天最多查验 7 次（各单位合计），其中本单位最多 6 次");
        await Assertions.Expect(tab.Page.Locator("#batch-header-words")).ToContainTextAsync("最多 300 张");
        await tab.Page.Locator("#language").ClickAsync();
        await Assertions.Expect(tab.Page.Locator("#invoices-lead")).ToContainTextAsync("at most 7 times a day across all callers, 6 of them by you");
    }

    [Fact]
    public async Task A_clerk_checks_a_consistent_an_inconsistent_and_a_malformed_invoice_by_keyboard_and_reads_each_answer()
    {
        var good = IssuedInvoices.Legacy(7601);
        var voided = IssuedInvoices.Legacy(7602, status: "作废");
        await IssuedInvoices.SendAsync(platform, [good, voided]);
        await using var tab = await ClerkAsync("portal-invoice-clerk");
        var page = tab.Page;
        var answer = page.Locator("#invoice-answer .invoice-answer");

        await CheckByKeyboardAsync(page, good[0], good[1], good[2], good[5]);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-result", "consistent");
        await Assertions.Expect(answer).ToContainTextAsync("查验一致");
        await Assertions.Expect(answer.Locator("dl")).ToContainTextAsync(good[3]);   // the seller's id
        await Assertions.Expect(answer.Locator("[data-mark]")).ToHaveCountAsync(0);
        await Assertions.Expect(answer.Locator("#invoice-remaining")).ToContainTextAsync("3 次"); // its share of four, one spent
        await tab.ScreenshotAsync("portal-invoice-consistent");

        var printed = DateOnly.ParseExact(voided[2], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await CheckByKeyboardAsync(page, voided[0], voided[1], $"{printed.Year}年{printed.Month}月{printed.Day}日", voided[5]); // as pasted from the invoice
        await Assertions.Expect(answer.Locator("[data-mark='voided']")).ToHaveTextAsync("已作废");
        await Assertions.Expect(answer.Locator(".result")).ToContainTextAsync("不可报销");
        await Assertions.Expect(answer.Locator(".result")).ToHaveAttributeAsync("data-kind", "error");

        await CheckByKeyboardAsync(page, good[0], good[1], good[2], "999.99");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-result", "inconsistent");
        await Assertions.Expect(answer).ToContainTextAsync("不含税金额");
        await Assertions.Expect(answer).Not.ToContainTextAsync(good[5]);
        await tab.ScreenshotAsync("portal-invoice-inconsistent");

        await CheckByKeyboardAsync(page, "41", good[1], good[2], good[5]);
        var problem = page.Locator("#invoice-code-problem");
        await Assertions.Expect(problem).ToBeVisibleAsync();
        await Assertions.Expect(problem).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^发票代码应为 10 位或 12 位数字")); // the page's language only
        await Assertions.Expect(page.Locator("#invoice-code")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#invoice-code")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#invoice-number-problem")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#invoice-answer")).ToContainTextAsync("发票代码");
        await tab.ScreenshotAsync("portal-invoice-malformed");

        await CheckByKeyboardAsync(page, "4100191130", "07609999", good[2], good[5]);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-result", "not-found");
        await Assertions.Expect(problem).ToBeHiddenAsync();

        // The good invoice was looked up twice; three more lookups use up its day, and the page says when it resets.
        using var agency = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        for (var lookup = 0; lookup < 3; lookup++)
        {
            await agency.VerifyAsync(IssuedInvoices.Lookup(good));
        }
        await CheckByKeyboardAsync(page, good[0], good[1], good[2], good[5]);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-result", "limit-reached");
        await Assertions.Expect(answer).ToContainTextAsync("后可再查");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task A_batch_of_mixed_lines_is_answered_in_order_and_its_answers_download_as_csv()
    {
        var good = IssuedInvoices.Legacy(7611);
        var red = IssuedInvoices.Legacy(7612, amount: "-50.00", status: "红冲");
        await IssuedInvoices.SendAsync(platform, [good, red]);
        var folder = TestDirectories.New("invoice-batch");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "reimbursements.csv");
        await File.WriteAllTextAsync(path, "code,number,issueDate,amountExcludingTax,checkCodeLast6\r\n" +
            $"{good[0]},{good[1]},{good[2]},{good[5]},\r\n" +
            $"{good[0]},{good[1]},2024-05-16,{good[5]},\r\n" +
            $"4100191130,07619999,{good[2]},,123456\r\n" +
            $"41,{good[1]},{good[2]},{good[5]},\r\n" +
            $"{red[0]},{red[1]},{red[2]},{red[5]},\r\n", new UTF8Encoding(false));
        await using var tab = await ClerkAsync("portal-invoice-batch-clerk");
        var page = tab.Page;

        await Assertions.Expect(page.Locator("#batch-header")).ToHaveTextAsync("发票代码,发票号码,开票日期,不含税金额,校验码后六位");
        var example = await page.RunAndWaitForDownloadAsync(() => page.Locator("#batch-example").ClickAsync());
        var examplePath = Path.Combine(folder, example.SuggestedFilename);
        await example.SaveAsAsync(examplePath);
        Assert.StartsWith("发票代码,发票号码,开票日期,不含税金额,校验码后六位\r\n", await File.ReadAllTextAsync(examplePath), StringComparison.Ordinal);

        await page.Locator("#batch-file").SetInputFilesAsync(path);
        await page.Locator("#batch-check").ClickAsync();
        var rows = page.Locator("#batch-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        var results = await page.Locator("#batch-table tbody tr .result").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.result)");
        Assert.Equal(["consistent", "inconsistent", "not-found", "malformed", "consistent"], results);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("开票日期");
        await Assertions.Expect(rows.Nth(3)).ToContainTextAsync("code:");
        await Assertions.Expect(rows.Nth(4)).ToContainTextAsync("红字发票");
        // Consistent, but not to be paid: said in the result itself, not only as a mark beside it.
        await Assertions.Expect(rows.Nth(4).Locator(".result")).ToHaveAttributeAsync("data-pay", "false");
        await Assertions.Expect(rows.Nth(4).Locator(".result")).ToContainTextAsync("不可报销");
        await Assertions.Expect(rows.Nth(0).Locator(".result")).ToHaveAttributeAsync("data-pay", "true");
        await Assertions.Expect(page.Locator("#batch-status")).ToContainTextAsync("已查验 5 张");
        await tab.ScreenshotAsync("portal-invoice-batch");
        await tab.ScreenshotAsync("portal-invoices-section", page.Locator("#invoices"));

        var answers = await page.RunAndWaitForDownloadAsync(() => page.Locator("#batch-download").ClickAsync());
        var saved = Path.Combine(folder, answers.SuggestedFilename);
        await answers.SaveAsAsync(saved);
        // The download is the shown answer as a workbook of text cells (Excel keeps the codes' leading zeros), the lookups
        // counted once: the batch was asked once.
        Assert.EndsWith(".xlsx", answers.SuggestedFilename, StringComparison.Ordinal);
        var cells = await Files.XlsxCellsAsync(await File.ReadAllBytesAsync(saved));
        Assert.Equal(["序号 line", "发票代码 code", "发票号码 number", "查验结果 result", "结论 verdict"], cells[0].Take(5));
        Assert.Equal(["consistent", "inconsistent", "not-found", "malformed", "consistent"], cells[1..].Select(c => c[3]));
        Assert.Equal(good[1], cells[1][2]);
        var counted = await IssuedInvoices.AuditedAsync(platform, Platform.Ingest.Records.IngestRecords.InvoiceKey(good[0], good[1]), 2);
        Assert.Equal(2, counted.Count); // lines 1 and 2 of the batch, not again for the download
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task A_clerk_s_own_workbook_with_chinese_headings_is_checked_as_it_is()
    {
        var good = IssuedInvoices.Legacy(7613);
        await IssuedInvoices.SendAsync(platform, [good]);
        var folder = TestDirectories.New("invoice-batch-xlsx");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "报销单.xlsx");
        await File.WriteAllBytesAsync(path, Files.Xlsx(["报销人", "发票代码", "发票号码", "开票日期", "不含税金额"],
            [["张三", good[0], good[1], good[2], good[5]], ["李四", good[0], good[1], good[2], "999.00"]]));
        await using var tab = await ClerkAsync("portal-invoice-batch-xlsx");
        var page = tab.Page;

        await page.Locator("#batch-file").SetInputFilesAsync(path);
        await page.Locator("#batch-check").ClickAsync();

        var rows = page.Locator("#batch-table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        var results = await page.Locator("#batch-table tbody tr .result").EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.result)");
        Assert.Equal(["consistent", "inconsistent"], results);
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("不含税金额");
        // Rows as the sheet numbers them, and the repeat named: the same invoice claimed twice.
        await Assertions.Expect(rows.Nth(1).Locator("td").First).ToHaveTextAsync("3");
        await Assertions.Expect(rows.Nth(1).Locator(".same-as")).ToHaveTextAsync("与第 2 行是同一张发票（重复报销？）");
        Assert.Empty(tab.Offsite);
    }
}
