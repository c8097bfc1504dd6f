using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Api.Auth;
using Platform.Reporting;
using Platform.Templates.Schema;
using Platform.Tests.Reporting;
using Platform.Tests.Support;

namespace Platform.Tests.Pages;

/// <summary>
/// What the agency's data achieved (数据成效) in the clerk's portal, in Debian's Chromium: a small generated city sent
/// through the upload path, every rule run and some leads worked (as <see cref="ControlResultsTests"/>), then a clerk of an
/// agency whose records leads drew on sees the figures <c>controlResults</c> answers that agency, for the default twelve
/// months and for a range the clerk chooses, and no taxpayer id.
/// </summary>
public sealed class PortalResultsTests(PortalResultsTests.BrowserCity city) : IClassFixture<PortalResultsTests.BrowserCity>, IAsyncLifetime
{
    /// <summary>The figures the panel shows, in its order; the amounts are shown with two decimals and thousands separated.</summary>
    private static readonly string[] Counts =
        ["leadsRaised", "leadsOpen", "leadsConfirmed", "leadsDismissed", "leadsCollected", "unregisteredFound", "unregisteredRegistered"];

    private static readonly string[] Amounts =
        ["taxAssessed", "lateFeesAssessed", "penaltiesAssessed", "taxCollected", "lateFeesCollected", "penaltiesCollected", "amountAtRiskOpen"];

    private Chromium chromium = null!;

    public async Task InitializeAsync() => chromium = await Chromium.LaunchAsync();

    public async Task DisposeAsync() => await chromium.DisposeAsync();

    public sealed class BrowserCity() : ControlResultsTests.City(new BrowserPlatform())
    {
        public BrowserPlatform Browser => (BrowserPlatform)Platform;
    }

    private static string[] Cells(ResultFigures figures)
    {
        var json = JsonSerializer.SerializeToElement(figures, JsonSerializerOptions.Web);
        return [figures.Key, .. Counts.Concat(Amounts).Select(name => Amounts.Contains(name)
            ? json.GetProperty(name).GetDecimal().ToString("N2", CultureInfo.InvariantCulture)
            : json.GetProperty(name).GetInt64().ToString(CultureInfo.InvariantCulture))];
    }

    private static Task<string[][]> RowsAsync(IPage page, string table) =>
        page.Locator($"#{table} tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [...r.cells].map(c => c.textContent))");

    private static async Task<string[]> HeadlineAsync(IPage page) =>
        ["", .. await page.Locator("#results-headline dd").EvaluateAllAsync<string[]>("cells => cells.map(c => c.textContent)")];

    private static async Task ExpectShownAsync(IPage page, ControlResultsTests.Shown expected)
    {
        await Assertions.Expect(page.Locator("#results-by-month tbody tr")).ToHaveCountAsync(expected.ByMonth.Count);
        Assert.Equal(Cells(expected.Headline), await HeadlineAsync(page));
        Assert.Equal(expected.ByMonth.Select(Cells), await RowsAsync(page, "results-by-month"));
        Assert.Equal(expected.ByRule.Select(Cells), await RowsAsync(page, "results-by-rule"));
    }

    [Fact]
    public async Task A_clerk_sees_what_its_agencys_records_achieved_as_controlResults_answers_the_agency_for_the_range_chosen()
    {
        var (cityFrom, cityTo) = ControlResultsTests.City.Range;   // six months ending last month
        var all = await city.AsLeaderAsync($"from: \"{cityFrom}\", to: \"{cityTo}\"");
        // The agency whose records the most worked leads drew on, so that amounts as well as counts show.
        var agency = all.ByAgency.Where(a => a.LeadsRaised > 0).OrderByDescending(a => a.TaxAssessed + a.LeadsConfirmed + a.LeadsDismissed)
            .ThenByDescending(a => a.LeadsRaised).First().Key;
        using var agencyClient = await city.Platform.ClientForAsync(Roles.Agency, agency);
        await using var tab = await BrowserTab.SignedInAsync(chromium, city.Browser, new NewPerson("portal-results-clerk", Roles.Agency, agency));
        var page = tab.Page;

        await Assertions.Expect(page.Locator("#results-headline")).ToBeVisibleAsync();
        var from = await page.Locator("#results-from").InputValueAsync();
        var to = await page.Locator("#results-to").InputValueAsync();
        Assert.Equal(Period.Parse(to).AddMonths(-11).ToString(), from);   // the last twelve months by default
        var byDefault = await ControlResultsTests.City.ReadAsync(agencyClient, $"from: \"{from}\", to: \"{to}\"");
        Assert.True(byDefault.Headline.LeadsRaised > 0, $"{agency}'s records drew no lead in {from}..{to}");
        Assert.Equal(12, byDefault.ByMonth.Count);
        await ExpectShownAsync(page, byDefault);
        await tab.ScreenshotAsync("portal-results");
        await tab.ScreenshotAsync("portal-results-section", page.Locator("#results"));

        // The month whose leads are most: a range of its own shows its figures, and its rules, alone.
        var busiest = byDefault.ByMonth.MaxBy(m => m.LeadsRaised)!.Key;
        await page.Locator("#results-from").FillAsync(busiest);
        await page.Locator("#results-to").FillAsync(busiest);
        await page.Locator("#results-show").ClickAsync();
        var oneMonth = await ControlResultsTests.City.ReadAsync(agencyClient, $"from: \"{busiest}\", to: \"{busiest}\"");
        await Assertions.Expect(page.Locator("#results-status")).ToContainTextAsync($"{busiest} 至 {busiest}");
        await ExpectShownAsync(page, oneMonth);
        Assert.NotEmpty(oneMonth.ByRule);
        await Assertions.Expect(page.Locator("#results-by-month tbody tr")).ToHaveCountAsync(1);

        var text = await page.Locator("body").InnerTextAsync();
        var subjects = await city.SubjectsAsync();
        Assert.DoesNotContain(subjects, text.Contains);
        Assert.Empty(tab.Offsite);
    }
}
