using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Platform.Comparisons.Leads;
using Platform.Reporting;
using Platform.Tests.Support;

namespace Platform.Tests.Reporting;

/// <summary>
/// The control results are kept by one host's daemon at a time: when that host stops, another on the same database
/// takes over and the figures keep up; and a rebuild from the events gives the same figures.
/// </summary>
public sealed class ResultsDaemonTests
{
    private static readonly ResultsFilter Filter = new("2026-01", "2026-12", Rule: "test-1");

    [Fact]
    public async Task A_second_host_keeps_the_figures_when_the_first_stops()
    {
        var first = new LeadsPlatform();
        await first.InitializeAsync();
        await first.MergeAsync("test-1", new TestCandidate("S1", "2026-03", 100m, "511302", "K1"),
            new TestCandidate("S2", "2026-03", 200m, "511302", "K2"), new TestCandidate("S3", "2026-04", 300m, "511321", "K3"));
        var before = await FiguresAsync(first);
        Assert.Equal((3, 3, 600m), (before.LeadsRaised, before.LeadsOpen, before.AmountAtRiskOpen));

        await using var second = PlatformFactory.OnDatabase(first.ConnectionString);
        await second.InitializeAsync();
        _ = second.Server;
        await first.DisposeAsync();

        var store = second.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var lead = (await session.Events.FetchStreamAsync((await session.AdvancedSql.QueryAsync<string>("select id from platform.lead limit 1", default))[0]))[0];
            session.Events.Append(lead.StreamKey!, new LeadDismissed(lead.StreamKey!, "已申报", "officer", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        var after = await FiguresAsync(second);
        Assert.Equal((3, 2, 1), (after.LeadsRaised, after.LeadsOpen, after.LeadsDismissed));
    }

    [Fact]
    public async Task A_rebuild_from_the_events_gives_the_same_figures()
    {
        // The hosts' daemons are kept out while a projection is rebuilt by hand (README "Control results").
        await using var platform = new LeadsPlatform();
        platform.WithSetting("Store:Daemon", nameof(DaemonMode.Disabled));
        await platform.InitializeAsync();
        await platform.MergeAsync("test-1", new TestCandidate("S1", "2026-03", 100m, "511302", "K1"),
            new TestCandidate("S2", "2026-05", 250m, "511321", "K2"));
        var store = platform.Services.GetRequiredService<IDocumentStore>();
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.CatchUpAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        var before = await FiguresAsync(platform);
        Assert.Equal((2, 350m), (before.LeadsRaised, before.AmountAtRiskOpen));

        await daemon.RebuildProjectionAsync(ResultsProjection.Name, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(before, await FiguresAsync(platform));
    }

    private static async Task<ResultFigures> FiguresAsync(PlatformFactory platform)
    {
        await platform.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(1));
        return (await platform.Services.GetRequiredService<ResultsReader>().ReadAsync(Filter, default)).Headline;
    }
}
