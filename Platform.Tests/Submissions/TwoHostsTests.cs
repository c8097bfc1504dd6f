using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>
/// Two platform hosts on one database: each submission is processed by exactly one of them, and a host that dies in
/// the middle of a file leaves the work to the other, which finishes it with every row once.
/// </summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task Two_hosts_working_at_once_process_each_submission_once()
    {
        await using var first = new PlatformFactory();
        first.WithSetting("Ingest:RunWorker", "false").WithSetting("Ingest:BatchSize", "250");
        await ((IAsyncLifetime)first).InitializeAsync();
        await using var second = first.Restarted();
        _ = second.Services; // both hosts are up before they race
        var client = await first.ClientForAsync(Roles.Agency, "market-regulator");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var period = $"2018-0{i + 1}";
            ids.Add((await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(2000, period, first: 1 + (i * 2000)), period: period))).Id);
        }

        await Task.WhenAll(
            first.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default),
            second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default));
        // A host passes by what the other holds; one more round by either finishes anything passed by while it was held.
        await second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        await first.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);

        foreach (var id in ids)
        {
            var receipt = await Ingested.LoadAsync(first, id);
            Assert.Equal((SubmissionStatus.Accepted, 2000), (receipt.Status, receipt.RowsAccepted));
            await Ingested.AssertEveryRowOnceAsync(first.ConnectionString, id, 2000);
        }
    }

    [Fact]
    public async Task A_host_killed_in_the_middle_of_a_file_leaves_it_to_the_other_which_finishes_it_with_every_row_once()
    {
        const int rows = 12000;
        await using var first = new PlatformFactory();
        first.WithSetting("Ingest:RunWorker", "false").WithSetting("Ingest:BatchSize", "300");
        await ((IAsyncLifetime)first).InitializeAsync();
        await using var second = first.Restarted();
        _ = second.Services; // started before the race, so that its start-up does not outlast the first host's file
        var client = await first.ClientForAsync(Roles.Agency, "market-regulator");
        var id = (await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(rows, "2018-06"), period: "2018-06"))).Id;

        using var death = new CancellationTokenSource();
        var dying = first.Services.GetRequiredService<IngestWorker>().RunOnceAsync(death.Token);
        await Eventually.Until(async () => (await Ingested.LoadAsync(first, id)).Batches >= 3 || dying.IsCompleted, "the first host to commit three batches");
        Assert.False(dying.IsCompleted, "The first host finished before it could be stopped; make the file larger.");

        // While the first host holds the submission, the second passes it by.
        await second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        Assert.Equal(SubmissionStatus.Validating, (await Ingested.LoadAsync(second, id)).Status);

        // The first host dies: its work stops and its database connection is cut, as when the process is killed.
        await death.CancelAsync();
        await Ingested.ScalarAsync(first.ConnectionString,
            // Only this test's database: other tests' hosts on the same cluster hold advisory locks too (rule runs).
            "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid() and $1 <> ''" +
            " and database = (select oid from pg_database where datname = current_database())", id);
        await Assert.ThrowsAnyAsync<Exception>(() => dying);
        Assert.InRange((await Ingested.LoadAsync(second, id)).Batches, 3, rows / 300 - 1);

        await second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        var after = await Ingested.LoadAsync(second, id);
        Assert.Equal((SubmissionStatus.Accepted, rows, rows, 0), (after.Status, after.RowsRead, after.RowsAccepted, after.RowsRejected));
        await Ingested.AssertEveryRowOnceAsync(first.ConnectionString, id, rows);
    }
}
