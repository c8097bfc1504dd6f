using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>Crashes and database outages in the middle of a submission lose and duplicate nothing.</summary>
public sealed class IngestFaultTests
{
    [Fact]
    public async Task A_restart_in_the_middle_of_a_submission_resumes_without_losing_or_duplicating_a_record()
    {
        const int rows = 6000;
        await using var first = new PlatformFactory();
        first.WithSetting("Ingest:RunWorker", "false").WithSetting("Ingest:BatchSize", "300");
        await ((IAsyncLifetime)first).InitializeAsync();
        var client = await first.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(rows, "2019-06"), period: "2019-06"));

        using var crash = new CancellationTokenSource();
        var worker = first.Services.GetRequiredService<IngestWorker>();
        var running = worker.RunOnceAsync(crash.Token);
        await Eventually.Until(async () => (await Ingested.LoadAsync(first, receipt.Id)).Batches >= 3 || running.IsCompleted, "the worker to commit three batches");
        Assert.False(running.IsCompleted, "The worker finished before it could be stopped; make the file larger.");
        await crash.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var interrupted = await Ingested.LoadAsync(first, receipt.Id);
        Assert.Equal(SubmissionStatus.Validating, interrupted.Status);
        Assert.InRange(interrupted.Batches, 3, rows / 300 - 1);
        // Committed batches are written, but nothing of an unfinished submission stands.
        Assert.True(await Ingested.ScalarAsync(first.ConnectionString, "select count(*) from platform.ingest_record where submission_id = $1", receipt.Id) >= 900);
        Assert.Equal(0L, await Ingested.ScalarAsync(first.ConnectionString, "select count(*) from platform.standing_record where submission_id = $1", receipt.Id));
        Assert.True(await Ingested.ScalarAsync(first.ConnectionString, "select count(*) from platform.typed_business_registrations where submission_id = $1", receipt.Id) >= 900);
        Assert.Equal(0L, await Ingested.ScalarAsync(first.ConnectionString, "select count(*) from platform.standing_business_registrations where submission_id = $1", receipt.Id));

        await using var restarted = first.Restarted();
        restarted.WithSetting("Ingest:RunWorker", "true");
        var after = await (await restarted.ClientForAsync(Roles.Agency, "market-regulator")).FinishedAsync(receipt.Id);
        Assert.Equal(SubmissionStatus.Accepted, after.Status);
        Assert.Equal((rows, rows, 0), (after.RowsRead, after.RowsAccepted, after.RowsRejected));
        await Ingested.AssertEveryRowOnceAsync(first.ConnectionString, receipt.Id, rows);
    }

    /// <summary>
    /// Stopped cleanly or crashed: batches commit without waiting for the disk, so a crash can lose the last ones
    /// committed, which the resumed submission writes again. The crashed cluster's WAL writer waits 10 s between
    /// flushes, so that the batches of the last seconds are likely still in PostgreSQL's memory when it dies (likely, not
    /// certain: any synchronous commit flushes them, and a backend writes WAL out when its buffers fill); the outcome is
    /// asserted either way.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Postgresql_stopping_and_starting_in_the_middle_of_a_submission_loses_and_duplicates_nothing(bool crash)
    {
        const int rows = 8000;
        await using var cluster = await PostgresCluster.StartAsync(shared: false);
        var database = await cluster.CreateDatabaseAsync("fault");
        if (crash)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using (var slow = new NpgsqlCommand("alter system set wal_writer_delay = '10s'", connection))
            {
                await slow.ExecuteNonQueryAsync();
            }
            await using var reload = new NpgsqlCommand("select pg_reload_conf()", connection);
            Assert.Equal(true, await reload.ExecuteScalarAsync());
        }
        await using var platform = PlatformFactory.OnDatabase(database);
        platform.WithSetting("Ingest:BatchSize", "200").WithSetting("Ingest:PollInterval", "00:00:00.500");
        await ((IAsyncLifetime)platform).InitializeAsync();
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(rows, "2019-07"), period: "2019-07"));

        var before = await Eventually.Until(() => Ingested.LoadAsync(platform, receipt.Id), s => s.Batches >= 2, "the worker to commit two batches",
            describe: s => $"{s.Status} after {s.Batches} batches");
        await (crash ? cluster.CrashAsync() : cluster.StopAsync());
        Assert.InRange(before.Batches, 2, rows / 200 - 1);
        var outage = platform.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await outage.GetAsync("/health/ready")).StatusCode);
        await cluster.StartAgainAsync();

        var after = await client.FinishedAsync(receipt.Id, seconds: 120);
        Assert.True(after.Status == SubmissionStatus.Accepted, $"{after.Status}: {after.ReasonEn}");
        Assert.Equal((rows, rows, 0), (after.RowsRead, after.RowsAccepted, after.RowsRejected));
        await Ingested.AssertEveryRowOnceAsync(platform.ConnectionString, receipt.Id, rows);
    }
}
