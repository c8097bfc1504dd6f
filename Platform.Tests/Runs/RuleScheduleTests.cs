using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Comparisons;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Runs;

/// <summary>Runs without an analyst: after an acceptance of a template a rule reads, and on the schedule; what is due is read from the database.</summary>
public sealed class RuleScheduleTests(LeadsPlatform platform) : IClassFixture<LeadsPlatform>
{
    [Fact]
    public async Task An_accepted_submission_of_a_template_a_rule_reads_makes_the_rule_due_once()
    {
        await platform.PlantAsync("test-18", new TestCandidate("91511302MA0000181X", "2026-03", 0, "511302", "br-181"));
        var afterAcceptance = platform.Schedule(new ComparisonOptions { RunAfterAcceptance = true });
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await regulator.SubmitAsync(Files.Registrations(2, "2026-03", first: 8100), period: "2026-03");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);

        var runs = await afterAcceptance.RunDueAsync(default);
        var run = runs.Single(r => r.Rule == "test-18");
        Assert.Equal((RunTrigger.Acceptance, 1), (run.Trigger, run.Raised));
        Assert.Equal(receipt.CompletedAt, run.DataAsOf);
        // The real rules that read registrations ran too, over the typed views: the two new businesses have no tax registration.
        Assert.Contains(runs, r => r.Rule == RegistryUnregistered.RuleId && r.Trigger == RunTrigger.Acceptance && r.Raised >= 2);

        Assert.DoesNotContain(await afterAcceptance.RunDueAsync(default), r => r.Rule == "test-18");
    }

    [Fact]
    public async Task On_a_schedule_every_rule_runs_once_per_interval()
    {
        await platform.PlantAsync("test-19");
        var clock = new TestClock();
        var hourly = platform.Schedule(new ComparisonOptions { ScheduleInterval = TimeSpan.FromHours(1) }, clock);
        clock.MoveTo(DateTimeOffset.UtcNow.AddHours(2));
        Assert.Contains(await hourly.RunDueAsync(default), r => r.Rule == "test-19" && r.Trigger == RunTrigger.Schedule);
        Assert.DoesNotContain(await hourly.RunDueAsync(default), r => r.Rule == "test-19");
        clock.MoveTo(DateTimeOffset.UtcNow.AddHours(3.5));
        Assert.Contains(await hourly.RunDueAsync(default), r => r.Rule == "test-19");
    }

    [Fact]
    public async Task A_host_with_runs_after_acceptance_on_raises_the_leads_of_an_upload_by_itself()
    {
        // The platform's appsettings.json turns runs after acceptance on; the test hosts turn them off, but for this one.
        await using var host = new PlatformFactory()
            .WithSetting("Comparisons:RunAfterAcceptance", "true")
            .WithSetting("Comparisons:AcceptanceDelay", "00:00:00.100");
        await host.InitializeAsync();
        var regulator = await host.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Registrations(2, "2026-03", first: 8300), period: "2026-03")).Status);

        var leads = host.Services.GetRequiredService<LeadReader>();
        var page = await Eventually.Until(
            () => leads.PageAsync(new LeadFilter(RegistryUnregistered.RuleId), new LeadReader.Reach(false, null, null), 10, null, default),
            p => p.TotalCount == 2, "two registry-unregistered leads raised without a run asked for", describe: p => $"{p.TotalCount} leads");
        Assert.Equal([Files.Uscc(8300), Files.Uscc(8301)], page.Nodes.Select(l => l.Subject).Order(StringComparer.Ordinal));
    }
}
