using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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
    private static async Task<long> Scalar(string connectionString, string sql, string submissionId)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = submissionId } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<Submission> Load(PlatformFactory host, string id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Submission>(id))!;
    }

    private static async Task AssertEveryRowOnce(string connectionString, string id, int rows)
    {
        Assert.Equal(rows, await Scalar(connectionString, "select count(*) from platform.ingest_record where submission_id = $1", id));
        Assert.Equal(rows, await Scalar(connectionString, "select count(distinct row_number) from platform.ingest_record where submission_id = $1", id));
        Assert.Equal(rows, await Scalar(connectionString, "select count(*) from platform.standing_record where submission_id = $1", id));
        // One batch event per batch number: no batch was committed by both hosts.
        Assert.Equal(0, await Scalar(connectionString, """
            select count(*) from (select data ->> 'Batch' from platform.mt_events where stream_id = $1 and type = 'rows_checked'
                                   group by 1 having count(*) > 1) twice
            """, id));
    }

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
            var receipt = await Load(first, id);
            Assert.Equal((SubmissionStatus.Accepted, 2000), (receipt.Status, receipt.RowsAccepted));
            await AssertEveryRowOnce(first.ConnectionString, id, 2000);
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
        await Eventually.Until(async () => (await Load(first, id)).Batches >= 3 || dying.IsCompleted, "the first host to commit three batches");
        Assert.False(dying.IsCompleted, "The first host finished before it could be stopped; make the file larger.");

        // While the first host holds the submission, the second passes it by.
        await second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        Assert.Equal(SubmissionStatus.Validating, (await Load(second, id)).Status);

        // The first host dies: its work stops and its database connection is cut, as when the process is killed.
        await death.CancelAsync();
        await Scalar(first.ConnectionString,
            "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory' and pid <> pg_backend_pid() and $1 <> ''", id);
        await Assert.ThrowsAnyAsync<Exception>(() => dying);
        Assert.InRange((await Load(second, id)).Batches, 3, rows / 300 - 1);

        await second.Services.GetRequiredService<IngestWorker>().RunOnceAsync(default);
        var after = await Load(second, id);
        Assert.Equal((SubmissionStatus.Accepted, rows, rows, 0), (after.Status, after.RowsRead, after.RowsAccepted, after.RowsRejected));
        await AssertEveryRowOnce(first.ConnectionString, id, rows);
    }
}
