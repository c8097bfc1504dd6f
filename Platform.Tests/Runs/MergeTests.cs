using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Runs;
using Platform.Templates.Negotiation;
using Platform.Tests.Support;

namespace Platform.Tests.Runs;

/// <summary>
/// The merge of a candidate set with a rule's leads (RULES.md "Leads from runs"), through the engine's merge entry point
/// with candidates the test writes into the candidate table. Each test has a rule of its own.
/// </summary>
public sealed class MergeTests(LeadsPlatform platform) : IClassFixture<LeadsPlatform>
{
    private static readonly TestCandidate Shop = new("91511302MA0000001X", "2026-03", 1300.00m, "511302", "r1");

    private async Task<IReadOnlyList<Lead>> LeadsAsync(string rule)
    {
        var page = await platform.Services.GetRequiredService<LeadReader>().PageAsync(new LeadFilter(rule),
            LeadReader.Reach.Of(new LeadActor("test", LeadRole.Analyst)), 100_000, null, default);
        return page.Nodes;
    }

    [Fact]
    public async Task A_run_that_fails_after_it_started_is_recorded_failed_and_leaves_no_lead()
    {
        RuleRun? started = null;
        await Assert.ThrowsAsync<InvalidOperationException>(() => platform.Runner.MergeAsync("test-9", new DateOnly(2026, 11, 30), RunTrigger.OnDemand,
            "test", async (connection, transaction, ct) =>
            {
                await platform.MergeAsync("test-10", Shop); // another rule's run meanwhile: only this one fails
                throw new InvalidOperationException("the candidate query failed");
            }, default, run => started = run));

        Assert.Equal(RunStatus.Running, started!.Status);
        await using var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var recorded = await session.LoadAsync<RuleRun>(started.Id);
        Assert.Equal((RunStatus.Failed, 0), (recorded!.Status, recorded.Raised));
        Assert.NotNull(recorded.FinishedAt);
        Assert.Contains("InvalidOperationException", recorded.Failure, StringComparison.Ordinal);
        Assert.Empty(await LeadsAsync("test-9"));
        Assert.Single(await LeadsAsync("test-10"));
    }

    [Fact]
    public async Task A_candidate_raises_a_lead_assigned_to_the_office_of_its_county()
    {
        var run = await platform.MergeAsync("test-1", Shop, Shop with { Subject = "91511381MA0000002X", County = "511381" },
            Shop with { Subject = "91110000MA0000003X", County = "110101" });
        Assert.Equal((3, 3, 0, 0, 0), (run.Candidates, run.Raised, run.Updated, run.Closed, run.Unchanged));

        var leads = await LeadsAsync("test-1");
        var shunqing = leads.Single(l => l.County == "511302");
        Assert.Equal((LeadStatus.Assigned, "shunqing-office"), (shunqing.Status, shunqing.Office));
        Assert.Equal("langzhong-office", leads.Single(l => l.County == "511381").Office);
        var beijing = leads.Single(l => l.County == "110101");
        Assert.Equal((LeadStatus.Raised, null), (beijing.Status, beijing.Office));
        Assert.Equal(("2026-03", 1300.00m, "r1", "finance"),
            (shunqing.Period, shunqing.AmountAtRisk, shunqing.Evidence.Records.Single().RecordKey, shunqing.Evidence.Records.Single().Agency));
        Assert.Equal(1.00m, shunqing.Parameters.GetProperty("tolerance").GetDecimal());
    }

    [Fact]
    public async Task A_rerun_with_the_same_candidates_raises_nothing_and_counts_them_unchanged()
    {
        await platform.MergeAsync("test-2", Shop);
        var again = await platform.MergeAsync("test-2", Shop);
        Assert.Equal((1, 0, 0, 0, 1), (again.Candidates, again.Raised, again.Updated, again.Closed, again.Unchanged));
        Assert.Single(await LeadsAsync("test-2"));
    }

    [Fact]
    public async Task New_evidence_joins_the_open_lead()
    {
        await platform.MergeAsync("test-3", Shop);
        var moreRecords = await platform.MergeAsync("test-3", Shop with { RecordKeys = ["r1", "r2"] });
        var moreTax = await platform.MergeAsync("test-3", Shop with { RecordKeys = ["r1", "r2"], Amount = 2000.00m });
        Assert.Equal((0, 1), (moreRecords.Raised, moreRecords.Updated));
        Assert.Equal((0, 1), (moreTax.Raised, moreTax.Updated));
        var lead = Assert.Single(await LeadsAsync("test-3"));
        Assert.Equal((2000.00m, 2, LeadStatus.Assigned), (lead.AmountAtRisk, lead.Evidence.Records.Count, lead.Status));
    }

    [Fact]
    public async Task A_lead_whose_candidate_vanished_is_closed_as_corrected_and_a_new_candidate_raises_a_new_lead()
    {
        await platform.MergeAsync("test-4", Shop);
        var corrected = await platform.MergeAsync("test-4");
        Assert.Equal((0, 0, 1), (corrected.Raised, corrected.Updated, corrected.Closed));
        Assert.Equal(LeadStatus.ClosedAsCorrected, Assert.Single(await LeadsAsync("test-4")).Status);

        var back = await platform.MergeAsync("test-4", Shop);
        Assert.Equal(1, back.Raised);
        Assert.Equal([LeadStatus.ClosedAsCorrected, LeadStatus.Assigned], (await LeadsAsync("test-4")).Select(l => l.Status));
    }

    [Fact]
    public async Task A_dismissed_lead_is_not_raised_again_for_the_same_evidence_but_is_for_other_evidence()
    {
        await platform.MergeAsync("test-5", Shop);
        var lead = Assert.Single(await LeadsAsync("test-5"));
        await using (var session = platform.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            session.Events.Append(lead.Id, new VerificationStarted(lead.Id, "officer", DateTimeOffset.UtcNow),
                new LeadDismissed(lead.Id, "已核实：收入已在其他期间申报", "officer", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        var same = await platform.MergeAsync("test-5", Shop);
        Assert.Equal((0, 0, 0, 1), (same.Raised, same.Updated, same.Closed, same.Unchanged));
        var other = await platform.MergeAsync("test-5", Shop with { RecordKeys = ["r1", "r9"] });
        Assert.Equal(1, other.Raised);
        Assert.Equal([LeadStatus.Dismissed, LeadStatus.Assigned], (await LeadsAsync("test-5")).Select(l => l.Status));
    }

    [Fact]
    public async Task A_run_is_recorded_with_its_rule_parameters_and_counts()
    {
        var run = await platform.MergeAsync("test-6", Shop);
        await using var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var stored = await session.LoadAsync<RuleRun>(run.Id);
        Assert.NotNull(stored);
        Assert.Equal(("test-6", 1, RunTrigger.OnDemand, new DateOnly(2026, 11, 30), 1), (stored.Rule, stored.RuleVersion, stored.Trigger, stored.AsOf, stored.Raised));
        Assert.True(stored.FinishedAt >= stored.StartedAt);
        var raised = await session.Events.FetchStreamAsync((await LeadsAsync("test-6"))[0].Id);
        Assert.Equal(run.Id, Assert.IsType<LeadRaised>(raised[0].Data).RunId);
    }

    [Fact]
    public async Task A_second_run_of_a_rule_while_one_is_under_way_is_refused()
    {
        var (first, release) = await platform.HoldRunAsync("test-7", RunTrigger.Schedule);
        var second = await Assert.ThrowsAsync<RunRefusedException>(() => platform.MergeAsync("test-7", Shop));
        Assert.Equal(RefusalKind.Conflict, second.Kind);
        release.SetResult();
        Assert.Equal(0, (await first).Raised);
    }

    [Fact]
    public async Task An_unknown_rule_is_refused_naming_the_rules()
    {
        var refused = await Assert.ThrowsAsync<RunRefusedException>(() => platform.MergeAsync("no-such-rule"));
        Assert.Equal(RefusalKind.NotFound, refused.Kind);
        Assert.Contains("registry-unregistered", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thousands_of_candidates_merge_in_batches_within_one_run()
    {
        var many = Enumerable.Range(0, 12_000).Select(i => Shop with { Subject = $"S{i:D6}", RecordKeys = [$"k{i}"] }).ToArray();
        var run = await platform.MergeAsync("test-8", many);
        Assert.Equal(12_000, run.Raised);
        var again = await platform.MergeAsync("test-8", many[..11_000]);
        Assert.Equal((0, 1_000, 11_000), (again.Raised, again.Closed, again.Unchanged));
    }
}
