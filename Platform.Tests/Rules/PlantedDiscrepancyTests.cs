using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.City;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Rules;

/// <summary>
/// The nine rules of RULES.md over a generated city sent through the upload path: they raise exactly the leads the
/// generator planted (precision and recall 1.0, amounts to the fen), and a city with nothing planted raises nothing.
/// </summary>
public sealed class PlantedDiscrepancyTests
{
    private static readonly Period LastPeriod = Period.Of(DateTimeOffset.UtcNow).AddMonths(-1);

    [Fact]
    public async Task Every_rule_raises_exactly_the_planted_leads_with_their_amounts()
    {
        await using var platform = new PlatformFactory();
        await platform.InitializeAsync();
        var city = GeneratedCity.Generate(new CityOptions { Businesses = 400, Months = 12, PlantedPerRule = 3, LastPeriod = LastPeriod });
        await platform.SubmitCityAsync(city);

        var leads = await RunEveryRuleAsync(platform);

        foreach (var rule in RuleIds.All)
        {
            var planted = city.Ledger.Where(l => l.Rule == rule).Select(l => (l.Subject, l.Period.ToString(), l.AmountAtRisk)).Order().ToList();
            var raised = leads.Where(l => l.Rule == rule).Select(l => (l.Subject, l.Period, l.Amount)).Order().ToList();
            Assert.True(planted.Count >= 2, $"{rule}: the city plants {planted.Count}");
            Assert.True(planted.SequenceEqual(raised),
                $"{rule}: planted [{string.Join(", ", planted)}] but raised [{string.Join(", ", raised)}]");
        }
    }

    [Fact]
    public async Task A_clean_city_raises_nothing()
    {
        await using var platform = new PlatformFactory();
        await platform.InitializeAsync();
        var city = GeneratedCity.Generate(new CityOptions { Businesses = 400, Months = 12, PlantDiscrepancies = false, LastPeriod = LastPeriod });
        await platform.SubmitCityAsync(city);

        var leads = await RunEveryRuleAsync(platform);

        Assert.True(leads.Count == 0, $"raised: {string.Join(", ", leads.Take(20))}");
    }

    private sealed record RaisedLead(string Rule, string Subject, string Period, decimal Amount);

    private static async Task<List<RaisedLead>> RunEveryRuleAsync(PlatformFactory platform)
    {
        var runner = platform.Services.GetRequiredService<RuleRunner>();
        var rules = platform.Services.GetRequiredService<RuleCatalog>().All.Select(r => r.Id).Order().ToList();
        Assert.Equal(RuleIds.All.Order(), rules);
        foreach (var rule in rules)
        {
            await runner.RunAsync(rule, asOf: null, RunTrigger.OnDemand, "test", default);
        }
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select rule, subject, period, amount_at_risk from platform.lead where status <> 'ClosedAsCorrected'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var leads = new List<RaisedLead>();
        while (await reader.ReadAsync())
        {
            leads.Add(new RaisedLead(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3)));
        }
        return leads;
    }
}
