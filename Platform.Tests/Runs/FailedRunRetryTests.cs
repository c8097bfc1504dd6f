using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Npgsql;
using Platform.Comparisons;
using Platform.Comparisons.Runs;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Runs;

/// <summary>
/// The acceptance trigger after a failed run: the rule is due again while its data is newer than its last completed run,
/// once the wait after its failures has passed. A database of its own, so no other test's runs (or clocks) come between.
/// </summary>
public sealed class FailedRunRetryTests(LeadsPlatform platform) : IClassFixture<LeadsPlatform>
{
    [Fact]
    public async Task A_run_that_failed_after_an_acceptance_is_run_again_by_the_trigger_once_its_wait_has_passed_and_a_completed_one_is_not()
    {
        var clock = new TestClock();
        var afterAcceptance = platform.Schedule(new ComparisonOptions { RunAfterAcceptance = true, RetryFailedAfter = TimeSpan.FromMinutes(10) }, clock);
        await platform.PlantAsync("test-16");
        // A candidate without a subject: the run fails when it fills the candidate table.
        await ExecuteAsync("insert into public.test_candidate (rule, subject, period, amount_at_risk, evidence, county) " +
                           "values ('test-16', null, '2026-03-01', 1, '{}', '511302')");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Registrations(1, "2026-03", first: 8400), period: "2026-03")).Status);

        Assert.DoesNotContain(await afterAcceptance.RunDueAsync(default), r => r.Rule == "test-16");
        Assert.Equal([RunStatus.Failed], await StatusesAsync("test-16"));
        clock.MoveTo(clock.GetUtcNow().AddMinutes(9));
        Assert.DoesNotContain(await afterAcceptance.RunDueAsync(default), r => r.Rule == "test-16");
        Assert.Equal([RunStatus.Failed], await StatusesAsync("test-16"));

        await ExecuteAsync("delete from public.test_candidate where rule = 'test-16'");
        await platform.PlantAsync("test-16", new TestCandidate("91511302MA0000161X", "2026-03", 0, "511302", "br-161"));
        clock.MoveTo(clock.GetUtcNow().AddMinutes(2));
        var retried = Assert.Single(await afterAcceptance.RunDueAsync(default), r => r.Rule == "test-16");
        Assert.Equal((RunTrigger.Acceptance, RunStatus.Completed, 1), (retried.Trigger, retried.Status, retried.Raised));

        clock.MoveTo(clock.GetUtcNow().AddHours(1));
        Assert.DoesNotContain(await afterAcceptance.RunDueAsync(default), r => r.Rule == "test-16");
        Assert.Equal([RunStatus.Failed, RunStatus.Completed], await StatusesAsync("test-16"));
    }

    [Fact]
    public void The_wait_after_failures_in_a_row_doubles_up_to_its_bound()
    {
        var options = new ComparisonOptions { RetryFailedAfter = TimeSpan.FromMinutes(5), RetryFailedAtMost = TimeSpan.FromHours(1) };
        int[] failures = [1, 2, 3, 4, 5, 6, 1_000];
        Assert.Equal([5, 10, 20, 40, 60, 60, 60], failures.Select(n => RuleSchedule.RetryWait(options, n).TotalMinutes));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<RunStatus>> StatusesAsync(string rule)
    {
        await using var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return [.. (await session.Query<RuleRun>().Where(r => r.Rule == rule).OrderBy(r => r.StartedAt).ToListAsync()).Select(r => r.Status)];
    }
}
