using Npgsql;

namespace Platform.Ingest.Processing;

/// <summary>
/// One host's claim on one submission: a PostgreSQL session-level advisory lock, held by the connection that does all of
/// the submission's writes. Any number of platform hosts may share a database: a submission is processed by whichever
/// host claims it, the others pass it by, and when the claiming host dies its connection closes, the lock goes with it,
/// and the next host to look resumes after the last committed batch.
/// </summary>
public sealed class SubmissionClaim : IAsyncDisposable
{
    private readonly string submissionId;

    private SubmissionClaim(NpgsqlConnection connection, string submissionId)
    {
        Connection = connection;
        this.submissionId = submissionId;
    }

    /// <summary>The connection holding the claim; every write for the submission goes through it.</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The claim, or null when another host holds the submission now.</summary>
    public static async Task<SubmissionClaim?> TryTakeAsync(NpgsqlDataSource dataSource, string submissionId, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended('ingest:' || $1, 0))", connection)
            {
                Parameters = { new() { Value = submissionId } },
            };
            if (await command.ExecuteScalarAsync(ct) is true)
            {
                return new SubmissionClaim(connection, submissionId);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A pooled connection keeps session locks, so the claim is given back before the connection is.
            await using var command = new NpgsqlCommand("select pg_advisory_unlock(hashtextextended('ingest:' || $1, 0))", Connection)
            {
                Parameters = { new() { Value = submissionId } },
            };
            await command.ExecuteScalarAsync();
        }
        catch (Exception e) when (DatabaseFaults.IsTransient(e) || e is InvalidOperationException or NpgsqlException)
        {
            // The connection is broken, and the server released the lock with it.
        }
        finally
        {
            await Connection.DisposeAsync();
        }
    }
}
