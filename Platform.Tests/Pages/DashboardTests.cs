using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Api.Auth;
using Platform.Tests.Reporting;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>
/// The leadership's control-results page (/dashboard) in Debian's Chromium, over a small generated city sent through the
/// upload path with every rule run and some leads worked (<see cref="ControlResultsTests.City"/>): the headline equals
/// what GraphQL controlResults answers the same person for the same filter, before and after the period changes; the
/// charts are drawn; tables export as CSV; no taxpayer id reaches the page; an agency's clerk sees no figures.
/// Each test saves screenshots under the test output (<see cref="BrowserTab.ScreenshotFolder"/>).
/// </summary>
public sealed class DashboardTests(DashboardTests.BrowserCity city) : IClassFixture<DashboardTests.BrowserCity>, IAsyncLifetime
{
    /// <summary>The city on a real loopback port, for the browser.</summary>
    public sealed class BrowserCity() : ControlResultsTests.City(new BrowserPlatform())
    {
        public BrowserPlatform Browser => (BrowserPlatform)Platform;
    }

    private static readonly string[] HeadlineFigures =
    [
        "recordsReceived", "recordsAccepted", "leadsRaised", "leadsOpen", "leadsConfirmed", "leadsDismissed", "unregisteredFound",
        "unregisteredRegistered", "taxAssessed", "lateFeesAssessed", "penaltiesAssessed", "amountAtRiskOpen", "taxCollected",
        "lateFeesCollected", "penaltiesCollected", "averageDaysToClose",
    ];

    private readonly WebFrontSignIn people = new(city.Platform);
    private Chromium chromium = null!;

    public async Task InitializeAsync() => chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await chromium.DisposeAsync();

    private async Task<BrowserTab> OpenAsync(string username, string role, string? agency = null)
    {
        var bureau = role == Roles.Agency ? null : "nanchong-bureau";
        await people.PersonAsync(new NewPerson(username, role, agency, bureau, bureau is null ? null : "5113"));
        return await BrowserTab.OpenAsync(chromium, city.Browser);
    }

    private async Task<BrowserTab> SignedInAsync(string username, string role = Roles.Leader)
    {
        var tab = await OpenAsync(username, role);
        await tab.SignInAsync(username, WebFrontSignIn.PasswordOf(username), "/dashboard");
        return tab;
    }

    /// <summary>What GraphQL controlResults answers the person signed in on the tab, with the tab's own token.</summary>
    private async Task<JsonElement> ControlResultsAsync(BrowserTab tab, string arguments = "")
    {
        var token = await tab.Page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('platform.tokens')).access");
        using var client = city.Platform.ClientWithToken(token);
        var query = $"{{ controlResults{arguments} {{ from to headline {{ {string.Join(' ', HeadlineFigures)} }} }} }}";
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body.GetProperty("data").GetProperty("controlResults").Clone();
    }

    /// <summary>Waits for the page to show the answer's range, then holds every headline figure to the answer's.</summary>
    private static async Task AssertHeadlineShowsAsync(IPage page, JsonElement answer)
    {
        var headline = page.Locator("#headline");
        await Assertions.Expect(headline).ToHaveAttributeAsync("data-from", answer.GetProperty("from").GetString()!);
        await Assertions.Expect(headline).ToHaveAttributeAsync("data-to", answer.GetProperty("to").GetString()!);
        var shown = await page.EvaluateAsync<Dictionary<string, string>>(
            "() => Object.fromEntries([...document.querySelectorAll('#headline [data-figure]')].map(e => [e.dataset.figure, e.dataset.value]))");
        foreach (var figure in HeadlineFigures)
        {
            var expected = answer.GetProperty("headline").GetProperty(figure);
            Assert.Equal((figure, expected.ValueKind == JsonValueKind.Null ? (decimal?)null : expected.GetDecimal()),
                (figure, shown[figure].Length == 0 ? (decimal?)null : decimal.Parse(shown[figure], CultureInfo.InvariantCulture)));
        }
        var raised = answer.GetProperty("headline").GetProperty("leadsRaised").GetInt32();
        await Assertions.Expect(headline.Locator("[data-figure='leadsRaised'] dd")).ToHaveTextAsync(raised.ToString("N0", CultureInfo.InvariantCulture));
    }

    private async Task AssertNoTaxpayerIdAsync(IPage page)
    {
        var subjects = await city.SubjectsAsync();
        Assert.True(subjects.Count >= 10, $"{subjects.Count} subjects");
        var html = await page.ContentAsync();
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(subjects, s => html.Contains(s, StringComparison.Ordinal) || text.Contains(s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_leader_sees_the_headline_graphql_answers_and_after_choosing_a_month_that_months_figures()
    {
        await using var tab = await SignedInAsync("dashboard-leader");
        var page = tab.Page;
        var whole = await ControlResultsAsync(tab);
        await AssertHeadlineShowsAsync(page, whole);
        Assert.True(whole.GetProperty("headline").GetProperty("leadsRaised").GetInt32() >= 10, whole.ToString());
        await Assertions.Expect(page.Locator("#trend-chart canvas, #trend-chart svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#rule-chart canvas, #rule-chart svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#quality-table tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#month-table tbody tr")).ToHaveCountAsync(
            Period.Parse(whole.GetProperty("to").GetString()!).MonthsSince(Period.Parse(whole.GetProperty("from").GetString()!)) + 1);
        await AssertNoTaxpayerIdAsync(page);
        await tab.ScreenshotAsync("dashboard");

        var month = ControlResultsTests.City.Range.To;
        await page.Locator("#period-kind").SelectOptionAsync("month");
        await page.Locator("#period-month").FillAsync(month);
        await page.Locator("#apply").ClickAsync();
        var lastMonth = await ControlResultsAsync(tab, $"(from: \"{month}\", to: \"{month}\")");
        await AssertHeadlineShowsAsync(page, lastMonth);
        Assert.NotEqual(whole.GetProperty("headline").GetProperty("recordsReceived").GetInt64(),
            lastMonth.GetProperty("headline").GetProperty("recordsReceived").GetInt64());
        await Assertions.Expect(page.Locator("#month-table tbody tr")).ToHaveCountAsync(1);
        await AssertNoTaxpayerIdAsync(page);
        await tab.ScreenshotAsync("dashboard-one-month");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task A_quarter_and_a_year_ask_for_their_months_and_show_what_graphql_answers_for_them()
    {
        await using var tab = await SignedInAsync("dashboard-leader-quarter");
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#headline [data-figure]").First).ToBeVisibleAsync();
        var last = Period.Parse(ControlResultsTests.City.Range.To);
        var quarter = ((last.Month - 1) / 3) + 1;

        await page.Locator("#period-kind").SelectOptionAsync("quarter");
        await page.Locator("#period-year").FillAsync(last.Year.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#period-quarter").SelectOptionAsync(quarter.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#apply").ClickAsync();
        var (first, end) = ($"{last.Year}-{(quarter * 3) - 2:00}", $"{last.Year}-{quarter * 3:00}");
        await AssertHeadlineShowsAsync(page, await ControlResultsAsync(tab, $"(from: \"{first}\", to: \"{end}\")"));
        await Assertions.Expect(page.Locator("#month-table tbody tr")).ToHaveCountAsync(3);

        await page.Locator("#period-kind").SelectOptionAsync("year");
        await page.Locator("#period-year").PressAsync("Enter");
        await AssertHeadlineShowsAsync(page, await ControlResultsAsync(tab, $"(from: \"{last.Year}-01\", to: \"{last.Year}-12\")"));
        await Assertions.Expect(page.Locator("#month-table tbody tr")).ToHaveCountAsync(12);
        await tab.ScreenshotAsync("dashboard-year");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task A_county_outside_the_leaders_jurisdiction_is_refused_and_the_page_says_why_keeping_the_figures_it_had()
    {
        await using var tab = await SignedInAsync("dashboard-leader-county");
        var page = tab.Page;
        var headline = page.Locator("#headline");
        await Assertions.Expect(headline.Locator("[data-figure]").First).ToBeVisibleAsync();
        var shownFrom = await headline.GetAttributeAsync("data-from");

        await page.Locator("#county").FillAsync("1101");
        await page.Locator("#apply").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("Your jurisdiction is 5113");
        await Assertions.Expect(headline).ToHaveAttributeAsync("data-from", shownFrom!);
        await Assertions.Expect(page.Locator("#apply")).ToBeEnabledAsync();
        await tab.ScreenshotAsync("dashboard-county-refused");

        var county = (await page.Locator("#county-table tbody tr td:first-child").AllInnerTextsAsync())[0];
        await page.Locator("#county").FillAsync(county);
        await page.Locator("#apply").ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#county-table tbody tr")).ToHaveCountAsync(1);
        await AssertHeadlineShowsAsync(page, await ControlResultsAsync(tab, $"(county: \"{county}\")"));
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task Each_table_exports_as_csv_with_its_rows_and_formulas_neutralised()
    {
        await using var tab = await SignedInAsync("dashboard-leader-csv");
        var page = tab.Page;
        var table = page.Locator("#agency-table");
        await Assertions.Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();
        var rows = await table.Locator("tbody tr td:first-child").AllInnerTextsAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#by-agency .export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var saved = Path.Combine(TestDirectories.New("downloads"), download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        var lines = (await File.ReadAllTextAsync(saved)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("部门,", lines[0], StringComparison.Ordinal);
        Assert.Equal(rows.Count + 1, lines.Length);
        Assert.All(rows, agency => Assert.Contains(lines, line => line.StartsWith($"\"{agency}\"", StringComparison.Ordinal) ||
            line.StartsWith(agency + ",", StringComparison.Ordinal)));

        var quality = await page.RunAndWaitForDownloadAsync(() => page.Locator("#quality-body .export-csv").ClickAsync());
        Assert.StartsWith("data-quality-", quality.SuggestedFilename, StringComparison.Ordinal);

        var cells = await page.EvaluateAsync<string[]>(
            "async () => { const { csvCell } = await import('/web/js/csv.js'); return ['=1+2', '+cmd', '-x', '@SUM(A1)', '-5', '+1.5', 'a,b'].map(csvCell); }");
        Assert.Equal(["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "-5", "+1.5", "\"a,b\""], cells);
        await tab.ScreenshotAsync("dashboard-csv");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task An_agency_clerk_is_told_the_page_is_for_leadership_and_is_shown_and_asked_no_figures()
    {
        await using var tab = await OpenAsync("dashboard-clerk", Roles.Agency, "market-regulator");
        var graphql = new List<string>();
        tab.Page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/graphql")
            {
                graphql.Add(request.Url);
            }
        };
        await tab.SignInAsync("dashboard-clerk", WebFrontSignIn.PasswordOf("dashboard-clerk"), "/dashboard");
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("控管成果页面供局领导使用");
        await Assertions.Expect(page.Locator("#dashboard")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("#headline [data-figure]").CountAsync());
        Assert.Equal(0, await page.Locator("table").CountAsync());
        Assert.Empty(graphql);
        await tab.ScreenshotAsync("dashboard-agency-refused");
        Assert.Empty(tab.Offsite);
    }

    [Fact]
    public async Task The_page_switches_to_english_every_input_has_a_label_and_the_keyboard_reaches_the_filters()
    {
        await using var tab = await SignedInAsync("dashboard-leader-language");
        var page = tab.Page;
        await Assertions.Expect(page.Locator("#headline [data-figure]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#headline-title")).ToHaveTextAsync("总体指标");

        await page.Locator("#language").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#headline-title")).ToHaveTextAsync("Headline figures");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator("#headline [data-figure='leadsRaised'] dt")).ToHaveTextAsync("Leads raised");
        await Assertions.Expect(page.Locator("label[for='period-kind']")).ToHaveTextAsync("Period");
        await tab.ScreenshotAsync("dashboard-english");

        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0).map(e => e.id || e.name)");
        Assert.Empty(unlabelled);

        await page.Locator("#language").FocusAsync();
        var reached = new List<string>();
        for (var step = 0; step < 30 && !reached.Contains("apply"); step++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => document.activeElement.id"));
        }
        string[] filters = ["period-kind", "period-from", "period-to", "county", "agency", "rule", "apply"];
        Assert.Equal(filters, reached.Where(filters.Contains).Distinct().ToArray());
        Assert.Empty(tab.Offsite);
    }
}
