using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.Api.Auth;
using Platform.Api.Templates;
using Platform.Ingest.Quality;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Tests.Support;

namespace Platform.Tests.Quality;

public sealed class ScoreboardTests(ClockedPlatformFactory platform) : IClassFixture<ClockedPlatformFactory>
{
    private static readonly Schedule Monthly10 = new(ScheduleKind.Monthly, 10);
    private static readonly Period March = Period.Parse("2024-03");
    private static readonly IReadOnlyList<InForce> Always = [new(DateTimeOffset.MinValue, null)];

    private static Submission Sent(DateTimeOffset at, SubmissionStatus status = SubmissionStatus.Accepted, int read = 10, int accepted = 10) =>
        new("s", "market-regulator", "business-registrations", 1, "2024-03", SubmissionMode.New, "f.csv", "text/csv", "sha", 1, true, "/x", null,
            "c", status, at, RowsRead: read, RowsAccepted: accepted, RowsRejected: read - accepted);

    [Fact]
    public void Due_dates_follow_the_schedule()
    {
        Assert.Equal(new DateOnly(2024, 4, 10), March.DueDate(Monthly10));
        Assert.Equal(new DateOnly(2025, 1, 15), Period.Parse("2024-12").DueDate(new Schedule(ScheduleKind.Quarterly, 15)));
        Assert.Null(March.DueDate(Schedule.OnDemand));
        Assert.Equal([3, 6], Scoreboard.Periods(new Schedule(ScheduleKind.Quarterly, 15), Period.Parse("2024-02"), Period.Parse("2024-07")).Select(p => p.Month));
    }

    [Fact]
    public void A_period_is_on_time_late_missing_or_not_yet_due()
    {
        var today = new DateOnly(2024, 5, 1);
        Assert.Equal(Timeliness.OnTime, Scoreboard.Line("a", "t", Monthly10, Always, 3, March, [Sent(new(2024, 4, 10, 23, 0, 0, TimeSpan.Zero))], 0, today).Timeliness);
        var late = Scoreboard.Line("a", "t", Monthly10, Always, 3, March, [Sent(new(2024, 4, 13, 8, 0, 0, TimeSpan.Zero))], 0, today);
        Assert.Equal((Timeliness.Late, 3), (late.Timeliness, late.DaysLate));
        var rejectedOnly = Scoreboard.Line("a", "t", Monthly10, Always, 3, March, [Sent(new(2024, 4, 2, 8, 0, 0, TimeSpan.Zero), SubmissionStatus.Rejected, 0, 0)], 0, today);
        Assert.Equal(Timeliness.Missing, rejectedOnly.Timeliness);
        Assert.Equal(21, rejectedOnly.DaysLate);
        Assert.Equal(Timeliness.NotYetDue, Scoreboard.Line("a", "t", Monthly10, Always, 3, March, [], 0, new DateOnly(2024, 4, 5)).Timeliness);
    }

    private static NegotiationStep Step(string step, int year, int month, int day) => new(step, "x", new(year, month, day, 9, 0, 0, TimeSpan.Zero));

    private static TemplateVersion Version(int version, params NegotiationStep[] history) =>
        new(version, VersionStatus.Active, StandardTemplates.All[0].Schema, history);

    [Fact]
    public void A_period_is_owed_from_the_first_that_begins_after_activation_until_one_due_after_retirement()
    {
        var inForce = Scoreboard.InForce([Version(1, Step("drafted", 2026, 10, 1), Step("activated", 2026, 11, 15), Step("retired", 2027, 3, 10))]);
        Timeliness On(Schedule schedule, int year, int month) =>
            Scoreboard.Line("a", "t", schedule, inForce, 1, Period.Of(new DateOnly(year, month, 1)), [], 0, new DateOnly(2030, 1, 1)).Timeliness;

        Assert.Equal(Timeliness.NotInForce, On(Monthly10, 2026, 10));
        Assert.Equal(Timeliness.NotInForce, On(Monthly10, 2026, 11)); // begun before the activation on the 15th
        Assert.Equal(Timeliness.Missing, On(Monthly10, 2026, 12));    // the first full month, due 10 January
        Assert.Equal(Timeliness.Missing, On(Monthly10, 2027, 1));     // due 10 February
        Assert.Equal(Timeliness.NotInForce, On(Monthly10, 2027, 2));  // due 10 March, the day it was retired
        Assert.Equal(Timeliness.NotInForce, On(new Schedule(ScheduleKind.Quarterly, 15), 2026, 12)); // the quarter began in October
        Assert.Null(Scoreboard.Line("a", "t", Monthly10, inForce, 1, Period.Of(new DateOnly(2026, 11, 1)), [], 0, new DateOnly(2030, 1, 1)).DueDate);

        var activatedOnTheFirst = Scoreboard.InForce([Version(1, Step("activated", 2026, 12, 1))]);
        Assert.True(Scoreboard.Owed(Monthly10, Period.Of(new DateOnly(2026, 12, 1)), new DateOnly(2027, 1, 10), activatedOnTheFirst));
    }

    [Fact]
    public void A_template_stays_in_force_across_versions_and_from_a_reactivation()
    {
        var inForce = Scoreboard.InForce(
        [
            Version(1, Step("activated", 2025, 1, 20), Step("superseded", 2026, 4, 3)),
            Version(2, Step("activated", 2026, 4, 3), Step("retired", 2026, 6, 1)),
            Version(3, Step("activated", 2026, 8, 2)),
        ]);
        Assert.Equal([new InForce(new(2025, 1, 20, 9, 0, 0, TimeSpan.Zero), new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)),
                      new InForce(new(2026, 8, 2, 9, 0, 0, TimeSpan.Zero), null)], inForce);
        Assert.True(Scoreboard.Owed(Monthly10, Period.Of(new DateOnly(2026, 4, 1)), new DateOnly(2026, 5, 10), inForce));
        Assert.False(Scoreboard.Owed(Monthly10, Period.Of(new DateOnly(2026, 8, 1)), new DateOnly(2026, 9, 10), inForce));
        Assert.True(Scoreboard.Owed(Monthly10, Period.Of(new DateOnly(2026, 9, 1)), new DateOnly(2026, 10, 10), inForce));
    }

    [Fact]
    public void Completeness_counts_required_cells_found_empty()
    {
        var line = Scoreboard.Line("a", "t", Monthly10, Always, 4, March, [Sent(new(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), read: 10, accepted: 8)], 2, new DateOnly(2024, 5, 1));
        Assert.Equal(0.95, line.RequiredCompleteness);
        Assert.Equal((8, 2), (line.RowsAccepted, line.RowsRejected));
    }

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <summary>The first month a template activated at <paramref name="activated"/> is owed for: the first to begin on or after that day.</summary>
    private static DateOnly FirstOwed(DateTimeOffset activated)
    {
        var day = DateOnly.FromDateTime(activated.UtcDateTime);
        return day.Day == 1 ? day : new DateOnly(day.Year, day.Month, 1).AddMonths(1);
    }

    private async Task<DateTimeOffset> ActivatedAtAsync(string templateId)
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var template = await analyst.GetFromJsonAsync<TemplateView>($"/api/templates/{templateId}", SubmissionClient.Json);
        return template!.Versions[0].History.Single(h => h.Step == "activated").At;
    }

    [Fact]
    public async Task The_scoreboard_shows_an_agencys_late_and_missing_periods_and_rejected_rows()
    {
        var first = FirstOwed(await ActivatedAtAsync("business-registrations"));
        var second = first.AddMonths(1);
        platform.Clock.MoveTo(Noon(second.AddMonths(1).AddDays(19))); // after the second period's due date (day 10)
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var rows = new[] { Files.Registration(1, Month(first)), Files.Registration(2, Month(first)) };
        rows[1][0] = "";
        var receipt = await regulator.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: Month(first));
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, receipt.Status);

        var own = await regulator.GetFromJsonAsync<AgencyScore>(
            $"/api/agencies/market-regulator/scoreboard?from={Month(first)}&to={Month(second)}", SubmissionClient.Json);
        var firstLine = own!.Lines.Single(l => l.TemplateId == "business-registrations" && l.Period.ToString() == Month(first));
        Assert.Equal(Timeliness.Late, firstLine.Timeliness);
        Assert.Equal(second.AddDays(9), firstLine.DueDate);
        Assert.Equal((1, 1), (firstLine.RowsAccepted, firstLine.RowsRejected));
        Assert.True(firstLine.RequiredCompleteness < 1);
        Assert.Equal(Timeliness.Missing, own.Lines.Single(l => l.Period.ToString() == Month(second)).Timeliness);
        Assert.Equal(2, own.Due);
        Assert.Equal(0, own.OnTime);

        Assert.Equal(HttpStatusCode.Forbidden, (await regulator.GetAsync("/api/agencies/finance/scoreboard")).StatusCode);
        // REST answers as GraphQL does: an agency reading the whole scoreboard sees its own line only.
        var confined = await regulator.GetFromJsonAsync<List<AgencyScore>>("/api/scoreboard", SubmissionClient.Json);
        Assert.Equal(["market-regulator"], confined!.Select(a => a.Agency));

        var leader = await platform.ClientForAsync(Roles.Leader);
        var all = await leader.GetFromJsonAsync<List<AgencyScore>>($"/api/scoreboard?from={Month(first)}&to={Month(first)}", SubmissionClient.Json);
        Assert.Contains(all!, a => a.Agency == "tax-bureau" && a.Missing == 4);
        Assert.Equal(HttpStatusCode.BadRequest, (await leader.GetAsync($"/api/scoreboard?from={Month(second)}&to={Month(first)}")).StatusCode);

        using var graph = await leader.PostAsJsonAsync("/graphql", new
        {
            query = $"{{ scoreboard(from: \"{Month(first)}\", to: \"{Month(first)}\", agency: \"market-regulator\") {{ agency due lines {{ templateId period timeliness daysLate }} }} }}",
        });
        var body = await graph.Content.ReadAsStringAsync();
        Assert.True(body.Contains("\"data\"", StringComparison.Ordinal), body);
        var line = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("scoreboard")[0].GetProperty("lines")[0];
        Assert.Equal("LATE", line.GetProperty("timeliness").GetString());
    }

    [Fact]
    public async Task A_template_is_owed_only_for_periods_from_its_activation_until_its_retirement()
    {
        _ = await platform.ClientForAsync(Roles.Analyst); // the standard templates are seeded before the clock moves
        platform.Clock.MoveTo(Noon(new DateOnly(2031, 3, 15)));
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var admin = await platform.ClientForAsync(Roles.Admin);
        var finance = await platform.ClientForAsync(Roles.Agency, "finance");
        var schema = TableSchemaJson.ToJson(StandardTemplates.All.Single(t => t.Descriptor.Id == "pharmacy-card-sales").Schema); // monthly, by day 10
        using var drafted = await analyst.PostAsJsonAsync("/api/templates",
            new DraftTemplateRequest("fair-payments", "finance", "fair-payments", "支付信息", "Payments", schema, null));
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/templates/fair-payments/versions/1/propose", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await finance.PostAsync("/api/templates/fair-payments/versions/1/agree", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/templates/fair-payments/versions/1/agree", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/templates/fair-payments/versions/1/activate", null)).StatusCode);

        async Task<Dictionary<string, ScoreboardLine>> Lines(string from, string to) =>
            (await finance.GetFromJsonAsync<AgencyScore>($"/api/agencies/finance/scoreboard?from={from}&to={to}", SubmissionClient.Json))!
                .Lines.Where(l => l.TemplateId == "fair-payments").ToDictionary(l => l.Period.ToString());

        // Activated today (15 March): the months before, and March itself (it began before), were never owed.
        var activatedToday = await Lines("2030-12", "2031-05");
        Assert.Equal(["2030-12", "2031-01", "2031-02", "2031-03"],
            activatedToday.Values.Where(l => l.Timeliness == Timeliness.NotInForce).Select(l => l.Period.ToString()).Order());
        Assert.Equal(Timeliness.NotYetDue, activatedToday["2031-04"].Timeliness);

        platform.Clock.MoveTo(Noon(new DateOnly(2031, 6, 20)));
        admin = await platform.ClientForAsync(Roles.Admin);
        using var retire = await admin.PostAsJsonAsync("/api/templates/fair-payments/versions/1/retire", new ReasonRequest("数据改由省级平台提供"));
        Assert.Equal(HttpStatusCode.OK, retire.StatusCode);

        platform.Clock.MoveTo(Noon(new DateOnly(2031, 10, 1)));
        finance = await platform.ClientForAsync(Roles.Agency, "finance");
        var afterRetirement = await Lines("2031-01", "2031-09");
        // April and May were due (10 May, 10 June) while the template was in force; June was due on 10 July, after it was retired.
        Assert.Equal(["2031-04", "2031-05"], afterRetirement.Values.Where(l => l.Timeliness == Timeliness.Missing).Select(l => l.Period.ToString()).Order());
        Assert.Equal(7, afterRetirement.Values.Count(l => l.Timeliness == Timeliness.NotInForce && l.DueDate is null));
    }

    [Fact]
    public async Task A_range_beyond_the_limits_is_a_validation_problem_that_says_what_to_fix()
    {
        var leader = await platform.ClientForAsync(Roles.Leader);
        async Task<string> Refusal(string url, string argument)
        {
            using var response = await leader.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>();
            return Assert.Single(problem!.Errors[argument]);
        }

        Assert.Contains("year and month", await Refusal("/api/scoreboard?from=0001-01&to=9999-12", "to"), StringComparison.Ordinal);
        Assert.Contains("2000-01 to 2100-12", await Refusal("/api/scoreboard?from=1950-01&to=2999-12", "from"), StringComparison.Ordinal);
        Assert.Contains("2000-01 to 2100-12", await Refusal("/api/scoreboard?from=2500-01&to=2500-12", "from"), StringComparison.Ordinal);
        Assert.Contains("at most 120", await Refusal("/api/scoreboard?from=2001-01&to=2024-12", "to"), StringComparison.Ordinal);
        Assert.Contains("year and month", await Refusal("/api/scoreboard?from=2024-13", "from"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/api/scoreboard?from=2015-01&to=2024-12")).StatusCode);

        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(HttpStatusCode.BadRequest, (await regulator.GetAsync("/api/agencies/market-regulator/scoreboard?from=0001-01&to=9999-12")).StatusCode);

        using var graph = await leader.PostAsJsonAsync("/graphql", new { query = "{ scoreboard(from: \"1950-01\", to: \"2999-12\") { agency } }" });
        var body = await graph.Content.ReadAsStringAsync();
        Assert.Contains("2000-01 to 2100-12", body, StringComparison.Ordinal);
    }
}
