using System.Net.Http.Json;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.City;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Runs;
using Platform.Ingest.Submissions;
using Platform.Reporting;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Reporting;

/// <summary>
/// A small city sent through the upload path, every rule run, some leads worked to each end; then the control results
/// that the async daemon keeps are held to a recount from the events themselves.
/// </summary>
public sealed class ControlResultsTests(ControlResultsTests.City city) : IClassFixture<ControlResultsTests.City>
{
    private const string Figures = """
        fragment F on ResultFigures { key submissions submissionsAccepted submissionsRejected recordsReceived recordsAccepted recordsRejected
          leadsRaised leadsOpen leadsConfirmed leadsDismissed leadsCollected leadsClosedAsCorrected unregisteredFound unregisteredRegistered
          taxAssessed lateFeesAssessed penaltiesAssessed taxCollected lateFeesCollected penaltiesCollected amountAtRiskOpen averageDaysToClose }
        """;

    [Fact]
    public async Task Every_figure_equals_a_recount_from_the_events()
    {
        var (from, to) = City.Range;
        var shown = await city.AsLeaderAsync($"from: \"{from}\", to: \"{to}\"");

        var expected = await city.RecountAsync(from, to, agency: null);
        Assert.Equal(expected.Headline, shown.Headline);
        Assert.Equal(expected.ByMonth, shown.ByMonth);
        Assert.Equal(expected.ByCounty, shown.ByCounty);
        Assert.Equal(expected.ByAgency, shown.ByAgency);
        Assert.Equal(expected.ByRule, shown.ByRule);
        // The city is not empty, and the worked leads show.
        Assert.True(shown.Headline.LeadsRaised >= 10, $"raised {shown.Headline.LeadsRaised}");
        Assert.Equal((1, 1, 1, 1000.00m, 500.00m), (shown.Headline.LeadsDismissed, shown.Headline.LeadsCollected, shown.Headline.UnregisteredRegistered,
            shown.Headline.TaxCollected, shown.Headline.PenaltiesAssessed));
        Assert.True(shown.Headline.RecordsAccepted > 1000, $"records accepted {shown.Headline.RecordsAccepted}");
    }

    [Fact]
    public async Task A_narrower_period_or_an_agency_changes_the_figures_to_their_own_recount()
    {
        var (from, to) = City.Range;
        var all = await city.AsLeaderAsync($"from: \"{from}\", to: \"{to}\"");
        var lastMonth = await city.AsLeaderAsync($"from: \"{to}\", to: \"{to}\"");
        Assert.Equal((await city.RecountAsync(to, to, null)).Headline, lastMonth.Headline);
        Assert.True(lastMonth.Headline.RecordsReceived < all.Headline.RecordsReceived, "one month holds fewer records than six");
        Assert.Single(lastMonth.ByMonth);

        var agency = all.ByAgency.First(a => a.LeadsRaised > 0).Key;
        var ofAgency = await city.AsLeaderAsync($"from: \"{from}\", to: \"{to}\", agency: \"{agency}\"");
        Assert.Equal((await city.RecountAsync(from, to, agency)).Headline, ofAgency.Headline);
    }

    [Fact]
    public async Task A_leader_reads_no_taxpayer_id_and_an_agency_reads_only_its_own()
    {
        var (from, to) = City.Range;
        using var leader = await city.Platform.ClientForAsync(Roles.Leader);
        var json = await (await leader.PostAsJsonAsync("/graphql", new { query = Query($"from: \"{from}\", to: \"{to}\"") })).Content.ReadAsStringAsync();
        var subjects = await city.SubjectsAsync();
        Assert.True(subjects.Count >= 10, $"{subjects.Count} subjects");
        Assert.DoesNotContain(subjects, json.Contains);

        using var officer = await city.Platform.ClientForAsync(Roles.Officer);
        Assert.Equal("refused", await GraphQLOutcome.OfAsync(officer, Query("")));

        const string agency = "market-regulator";
        using var regulator = await city.Platform.ClientForAsync(Roles.Agency, agency);
        var asked = await City.ReadAsync(regulator, $"from: \"{from}\", to: \"{to}\", agency: \"finance\"");
        Assert.Equal((await city.RecountAsync(from, to, agency)).Headline, asked.Headline);
        Assert.Equal([agency], asked.ByAgency.Select(a => a.Key));
    }

    private static string Query(string arguments) =>
        $"{{ controlResults{(arguments.Length > 0 ? $"({arguments})" : "")} {{ headline {{ ...F }} byMonth {{ ...F }} byCounty {{ ...F }} byAgency {{ ...F }} byRule {{ ...F }} }} }} {Figures}";

    public sealed record Shown(ResultFigures Headline, List<ResultFigures> ByMonth, List<ResultFigures> ByCounty, List<ResultFigures> ByAgency,
        List<ResultFigures> ByRule);

    /// <summary>The city on a platform of its own; a browser test passes a <see cref="BrowserPlatform"/> to see it in pages.</summary>
    public class City : IAsyncLifetime
    {
        private static readonly Period LastPeriod = Period.Of(DateTimeOffset.UtcNow).AddMonths(-1);

        public City() : this(new PlatformFactory())
        {
        }

        protected City(PlatformFactory platform) => Platform = platform;

        public PlatformFactory Platform { get; }
        public GeneratedCity Generated { get; } =
            GeneratedCity.Generate(new CityOptions { Businesses = 200, Months = 6, PlantedPerRule = 2, LastPeriod = LastPeriod });

        public static (string From, string To) Range => (LastPeriod.AddMonths(-5).ToString(), LastPeriod.ToString());

        public async Task InitializeAsync()
        {
            await Platform.InitializeAsync();
            await Platform.SubmitCityAsync(Generated);
            var runner = Platform.Services.GetRequiredService<RuleRunner>();
            foreach (var rule in RuleIds.All)
            {
                await runner.RunAsync(rule, asOf: null, RunTrigger.OnDemand, "test", default);
            }
            await WorkSomeLeadsAsync();
            try
            {
                await Platform.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(1));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}{Environment.NewLine}{Platform.Logs.Warnings("")}", e);
            }
        }

        /// <summary>One lead collected, one dismissed, one unregistered business registered, one only assigned.</summary>
        private async Task WorkSomeLeadsAsync()
        {
            var store = Platform.Services.GetRequiredService<IDocumentStore>();
            await using var session = store.LightweightSession();
            var leads = (await Leads(session)).Values.Where(l => InRange(l.Period, Range.From, Range.To)).OrderBy(l => l.Id, StringComparer.Ordinal).ToList();
            var unregistered = leads.First(l => l.Rule == RuleIds.Unregistered);
            var others = leads.Where(l => l != unregistered).Take(3).ToList();
            var at = DateTimeOffset.UtcNow;
            session.Events.Append(others[0].Id, new LeadAssigned(others[0].Id, "office", "analyst", at), new VerificationStarted(others[0].Id, "officer", at),
                new LeadConfirmed(others[0].Id, Confirmation.TaxAssessed, 1000.00m, 12.50m, 500.00m, "officer", at.AddDays(3)),
                new LeadCollected(others[0].Id, 1000.00m, 12.50m, 250.00m, DateOnly.FromDateTime(at.UtcDateTime), "officer", at.AddDays(5)));
            session.Events.Append(others[1].Id, new LeadAssigned(others[1].Id, "office", "analyst", at), new VerificationStarted(others[1].Id, "officer", at),
                new LeadDismissed(others[1].Id, "已申报", "officer", at.AddDays(2)));
            session.Events.Append(others[2].Id, new LeadAssigned(others[2].Id, "office", "analyst", at));
            session.Events.Append(unregistered.Id, new LeadAssigned(unregistered.Id, "office", "analyst", at),
                new VerificationStarted(unregistered.Id, "officer", at),
                new LeadConfirmed(unregistered.Id, Confirmation.TaxpayerRegistered, 0, 0, 0, "officer", at.AddDays(10)));
            await session.SaveChangesAsync();
        }

        public async Task<List<string>> SubjectsAsync()
        {
            await using var session = Platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
            return [.. (await Leads(session)).Values.Select(l => l.Subject).Distinct()];
        }

        public async Task<Shown> AsLeaderAsync(string arguments)
        {
            using var leader = await Platform.ClientForAsync(Roles.Leader);
            return await ReadAsync(leader, arguments);
        }

        public static async Task<Shown> ReadAsync(HttpClient client, string arguments)
        {
            using var response = await client.PostAsJsonAsync("/graphql", new { query = Query(arguments) });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
            return body.GetProperty("data").GetProperty("controlResults").Deserialize<Shown>(JsonSerializerOptions.Web)!;
        }

        /// <summary>The figures recounted from every lead and submission event, folded here, not read from any projection.</summary>
        public async Task<Shown> RecountAsync(string from, string to, string? agency)
        {
            await using var session = Platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
            var events = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync();
            var leads = (await Leads(session)).Values
                .Select(l => (Lead: l, Agencies: l.Evidence.Records.Select(r => r.Agency).Distinct().ToList(), Closed: ClosedAt(events, l.Id)))
                .Where(l => InRange(l.Lead.Period, from, to) && (agency is null || l.Agencies.Contains(agency)))
                .ToList();
            var submissions = events.Where(e => e.Data is SubmissionReceived).Select(e => (SubmissionReceived)e.Data)
                .Where(s => InRange(s.Period, from, to) && (agency is null || s.Agency == agency))
                .Select(s => (Received: s, Outcome: events.LastOrDefault(e => e.StreamKey == s.SubmissionId &&
                    e.Data is SubmissionAccepted or SubmissionRejected or SubmissionFailed)?.Data))
                .ToList();

            ResultFigures Count(string key, IEnumerable<(Lead Lead, List<string> Agencies, DateTimeOffset? Closed)> l,
                IEnumerable<(SubmissionReceived Received, object? Outcome)> s)
            {
                var ls = l.ToList();
                var accepted = s.Select(x => x.Outcome).OfType<SubmissionAccepted>().ToList();
                var closed = ls.Where(x => x.Closed is not null).ToList();
                return new ResultFigures(key, s.Count(), accepted.Count, s.Count(x => x.Outcome is SubmissionRejected),
                    accepted.Sum(a => (long)a.RowsRead), accepted.Sum(a => (long)a.RowsAccepted), accepted.Sum(a => (long)a.RowsRejected),
                    ls.Count, ls.Count(x => x.Lead.IsOpen), ls.Count(x => x.Lead.Status is LeadStatus.Confirmed or LeadStatus.Collected),
                    ls.Count(x => x.Lead.Status == LeadStatus.Dismissed), ls.Count(x => x.Lead.Status == LeadStatus.Collected),
                    ls.Count(x => x.Lead.Status == LeadStatus.ClosedAsCorrected), ls.Count(x => x.Lead.Rule == RuleIds.Unregistered),
                    ls.Count(x => x.Lead.Confirmation == Confirmation.TaxpayerRegistered),
                    ls.Sum(x => x.Lead.Tax), ls.Sum(x => x.Lead.LateFee), ls.Sum(x => x.Lead.Penalty), ls.Sum(x => x.Lead.TaxPaid),
                    ls.Sum(x => x.Lead.LateFeePaid), ls.Sum(x => x.Lead.PenaltyPaid), ls.Where(x => x.Lead.IsOpen).Sum(x => x.Lead.AmountAtRisk),
                    closed.Count == 0 ? null
                        : Math.Round(closed.Sum(x => (decimal)(x.Closed!.Value - x.Lead.RaisedAt).Ticks / TimeSpan.TicksPerDay) / closed.Count, 1));
            }

            var months = new List<string>();
            for (var month = Period.Parse(from); month <= Period.Parse(to); month = month.Next)
            {
                months.Add(month.ToString());
            }
            var agencies = leads.SelectMany(l => l.Agencies).Concat(submissions.Select(s => s.Received.Agency))
                .Where(a => agency is null || a == agency).Distinct().Order(StringComparer.Ordinal);
            return new Shown(
                Count("", leads, submissions),
                [.. months.Select(m => Count(m, leads.Where(l => l.Lead.Period == m), submissions.Where(s => s.Received.Period == m)))],
                [.. leads.GroupBy(l => l.Lead.County).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g, []))],
                [.. agencies.Select(a => Count(a, leads.Where(l => l.Agencies.Contains(a)), submissions.Where(s => s.Received.Agency == a)))],
                [.. leads.GroupBy(l => l.Lead.Rule).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g, []))]);
        }

        private static bool InRange(string period, string from, string to) =>
            string.CompareOrdinal(period, from) >= 0 && string.CompareOrdinal(period, to) <= 0;

        private static DateTimeOffset? ClosedAt(IEnumerable<IEvent> events, string lead) =>
            events.Where(e => e.StreamKey == lead).Select(e => e.Data switch
            {
                LeadConfirmed c => c.At,
                LeadDismissed d => d.At,
                _ => (DateTimeOffset?)null,
            }).LastOrDefault(at => at is not null);

        private static async Task<Dictionary<string, Lead>> Leads(IQuerySession session)
        {
            var events = (await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync()).Where(e => Lead.EventTypes.Contains(e.EventType));
            return events.GroupBy(e => e.StreamKey!).ToDictionary(g => g.Key, g => g.Aggregate((Lead?)null, (lead, e) => Lead.Fold(lead, e.Data))!);
        }

        public async Task DisposeAsync() => await Platform.DisposeAsync();
    }
}
