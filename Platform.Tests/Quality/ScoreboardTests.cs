using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.Api.Auth;
using Platform.Ingest.Quality;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Quality;

public sealed class ScoreboardTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private static readonly Schedule Monthly10 = new(ScheduleKind.Monthly, 10);
    private static readonly DateOnly March = new(2024, 3, 1);

    private static Submission Sent(DateTimeOffset at, SubmissionStatus status = SubmissionStatus.Accepted, int read = 10, int accepted = 10) =>
        new("s", "market-regulator", "business-registrations", 1, "2024-03", SubmissionMode.New, "f.csv", "text/csv", "sha", 1, true, "/x", null,
            "c", status, at, RowsRead: read, RowsAccepted: accepted, RowsRejected: read - accepted);

    [Fact]
    public void Due_dates_follow_the_schedule()
    {
        Assert.Equal(new DateOnly(2024, 4, 10), Scoreboard.DueDate(Monthly10, March));
        Assert.Equal(new DateOnly(2025, 1, 15), Scoreboard.DueDate(new Schedule(ScheduleKind.Quarterly, 15), new DateOnly(2024, 12, 1)));
        Assert.Null(Scoreboard.DueDate(Schedule.OnDemand, March));
        Assert.Equal([3, 6], Scoreboard.Periods(new Schedule(ScheduleKind.Quarterly, 15), new DateOnly(2024, 2, 1), new DateOnly(2024, 7, 1)).Select(p => p.Month));
    }

    [Fact]
    public void A_period_is_on_time_late_missing_or_not_yet_due()
    {
        var today = new DateOnly(2024, 5, 1);
        Assert.Equal(Timeliness.OnTime, Scoreboard.Line("a", "t", Monthly10, 3, March, [Sent(new(2024, 4, 10, 23, 0, 0, TimeSpan.Zero))], 0, today).Timeliness);
        var late = Scoreboard.Line("a", "t", Monthly10, 3, March, [Sent(new(2024, 4, 13, 8, 0, 0, TimeSpan.Zero))], 0, today);
        Assert.Equal((Timeliness.Late, 3), (late.Timeliness, late.DaysLate));
        var rejectedOnly = Scoreboard.Line("a", "t", Monthly10, 3, March, [Sent(new(2024, 4, 2, 8, 0, 0, TimeSpan.Zero), SubmissionStatus.Rejected, 0, 0)], 0, today);
        Assert.Equal(Timeliness.Missing, rejectedOnly.Timeliness);
        Assert.Equal(21, rejectedOnly.DaysLate);
        Assert.Equal(Timeliness.NotYetDue, Scoreboard.Line("a", "t", Monthly10, 3, March, [], 0, new DateOnly(2024, 4, 5)).Timeliness);
    }

    [Fact]
    public void Completeness_counts_required_cells_found_empty()
    {
        var line = Scoreboard.Line("a", "t", Monthly10, 4, March, [Sent(new(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), read: 10, accepted: 8)], 2, new DateOnly(2024, 5, 1));
        Assert.Equal(0.95, line.RequiredCompleteness);
        Assert.Equal((8, 2), (line.RowsAccepted, line.RowsRejected));
    }

    [Fact]
    public async Task The_scoreboard_shows_an_agencys_late_and_missing_periods_and_rejected_rows()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var rows = new[] { Files.Registration(1, "2024-01"), Files.Registration(2, "2024-01") };
        rows[1][0] = "";
        var receipt = await regulator.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2024-01");
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, receipt.Status);

        var own = await regulator.GetFromJsonAsync<AgencyScore>("/api/agencies/market-regulator/scoreboard?from=2024-01&to=2024-02", SubmissionClient.Json);
        var january = own!.Lines.Single(l => l is { TemplateId: "business-registrations", Period: "2024-01" });
        Assert.Equal(Timeliness.Late, january.Timeliness);
        Assert.Equal(new DateOnly(2024, 2, 10), january.DueDate);
        Assert.Equal((1, 1), (january.RowsAccepted, january.RowsRejected));
        Assert.True(january.RequiredCompleteness < 1);
        Assert.Equal(Timeliness.Missing, own.Lines.Single(l => l.Period == "2024-02").Timeliness);
        Assert.Equal(2, own.Due);
        Assert.Equal(0, own.OnTime);

        Assert.Equal(HttpStatusCode.Forbidden, (await regulator.GetAsync("/api/agencies/finance/scoreboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await regulator.GetAsync("/api/scoreboard")).StatusCode);

        var leader = await platform.ClientForAsync(Roles.Leader);
        var all = await leader.GetFromJsonAsync<List<AgencyScore>>("/api/scoreboard?from=2024-01&to=2024-01", SubmissionClient.Json);
        Assert.Contains(all!, a => a.Agency == "tax-bureau" && a.Missing == 4);
        Assert.Equal(HttpStatusCode.BadRequest, (await leader.GetAsync("/api/scoreboard?from=2024-05&to=2024-01")).StatusCode);

        using var graph = await leader.PostAsJsonAsync("/graphql", new { query = "{ scoreboard(from: \"2024-01\", to: \"2024-01\", agency: \"market-regulator\") { agency due lines { templateId period timeliness daysLate } } }" });
        var body = await graph.Content.ReadAsStringAsync();
        Assert.True(body.Contains("\"data\"", StringComparison.Ordinal), body);
        var line = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("scoreboard")[0].GetProperty("lines")[0];
        Assert.Equal("LATE", line.GetProperty("timeliness").GetString());
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

        Assert.Contains("2000-01 to 2100-12", await Refusal("/api/scoreboard?from=0001-01&to=9999-12", "from"), StringComparison.Ordinal);
        Assert.Contains("2000-01 to 2100-12", await Refusal("/api/scoreboard?from=9999-01&to=9999-12", "from"), StringComparison.Ordinal);
        Assert.Contains("at most 120", await Refusal("/api/scoreboard?from=2001-01&to=2024-12", "to"), StringComparison.Ordinal);
        Assert.Contains("year and month", await Refusal("/api/scoreboard?from=2024-13", "from"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/api/scoreboard?from=2015-01&to=2024-12")).StatusCode);

        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(HttpStatusCode.BadRequest, (await regulator.GetAsync("/api/agencies/market-regulator/scoreboard?from=0001-01&to=9999-12")).StatusCode);

        using var graph = await leader.PostAsJsonAsync("/graphql", new { query = "{ scoreboard(from: \"0001-01\", to: \"9999-12\") { agency } }" });
        var body = await graph.Content.ReadAsStringAsync();
        Assert.Contains("2000-01 to 2100-12", body, StringComparison.Ordinal);
    }
}
