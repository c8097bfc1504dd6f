using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Ingest.Submissions;

namespace Platform.Tests.Support;

/// <summary>What ingest wrote for a submission, read straight from the database for the fault tests.</summary>
public static class Ingested
{
    /// <summary>One number from the database, on a connection of its own (pooled ones may have died with a restart).</summary>
    public static async Task<long> ScalarAsync(string connectionString, string sql, string submissionId)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = submissionId } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the ingest worker has applied every accepted register submission to the latest records, as it does
    /// right after acceptance: readers that take the latest records as they are (the invoice lookup's names) see them then.
    /// </summary>
    public static Task RegistersCaughtUpAsync(PlatformFactory host) => Eventually.Until(async () =>
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        return !await Platform.Ingest.Records.IngestRecords.LatestPendingAsync(connection, ["business-registrations", "tax-registrations"], default);
    }, "the registers' latest records brought up to date by the ingest worker");

    public static async Task<Submission> LoadAsync(PlatformFactory host, string id)
    {
        await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<Submission>(id))!;
    }

    /// <summary>Every row of the submission written once and standing, and no batch committed twice.</summary>
    public static async Task AssertEveryRowOnceAsync(string connectionString, string id, int rows)
    {
        Assert.Equal(rows, await ScalarAsync(connectionString, "select count(*) from platform.ingest_record where submission_id = $1", id));
        Assert.Equal(rows, await ScalarAsync(connectionString, "select count(distinct row_number) from platform.ingest_record where submission_id = $1", id));
        Assert.Equal(rows, await ScalarAsync(connectionString, "select count(*) from platform.standing_record where submission_id = $1 and not voided", id));
        Assert.Equal(rows, await ScalarAsync(connectionString, "select count(*) from platform.typed_business_registrations where submission_id = $1", id));
        Assert.Equal(rows, await ScalarAsync(connectionString, "select count(*) from platform.standing_business_registrations where submission_id = $1", id));
        Assert.Equal(0, await ScalarAsync(connectionString, """
            select count(*) from (select data ->> 'Batch' from platform.mt_events where stream_id = $1 and type = 'rows_checked'
                                   group by 1 having count(*) > 1) twice
            """, id));
    }
}
