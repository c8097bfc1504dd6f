using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Platform.Api.Audit;
using Platform.Api.Invoices;

namespace Platform.Bench;

/// <summary>
/// Issue 12: how many lookup audit entries a second one writer appends to the hash-chained trail. The platform's
/// <see cref="AuditTrail.RecordManyAsync"/> (one <c>audit_append_many</c> per batch) writes N entries shaped like a
/// lookup's, a batch at a time as <c>LookupAuditWriter</c> does, against the same rows put into a plain copy of the table
/// (same columns and indexes, no chain: number and digests made up) by one insert per batch, measured in the same run.
/// A slice of the entries also goes the old way, one <c>audit_append</c> per entry in one round trip per batch, for the
/// before-and-after. Then the platform's <see cref="LookupAuditWriter"/> itself, fed at a lookup rate (2,000 entries a
/// second, 20 every 10 ms) for a few seconds with no write delay and with 20 ms, for what each costs PostgreSQL per entry
/// and how many entries a transaction carries. The platform runs as its own process only to make the schema; the
/// appends are made from here.
/// </summary>
public static class AuditBench
{
    private const string Plain = "public.bench_audit_plain";

    public static async Task<int> RunAsync(string[] args)
    {
        var entries = Options.Value(args, "--entries", 200_000);
        var batchSize = Options.Value(args, "--batch", 500);
        var connectionString = Options.Database();
        Console.WriteLine($"load before: {Options.Load()}");
        await using (await PlatformServer.StartAsync(connectionString))
        {
            // The schema is made; the server's own writer has nothing to write.
        }
        await using var data = NpgsqlDataSource.Create(connectionString);
        await ExecuteAsync(data, $"create table {Plain} (like {AuditTable.Name} including all)");
        var trail = new AuditTrail(data, TimeProvider.System, new AuditOptions());
        var batches = Batches(entries, batchSize);
        var warm = Batches(5 * batchSize, batchSize);

        var seq = 0L;
        foreach (var batch in warm)
        {
            await trail.RecordManyAsync(batch, CancellationToken.None);
            await InsertPlainAsync(data, batch, seq += batch.Count);
        }
        var chained = await TimeAsync(batches, batch => trail.RecordManyAsync(batch, CancellationToken.None));
        var plain = await TimeAsync(batches, batch => InsertPlainAsync(data, batch, seq += batch.Count));
        var old = await TimeAsync(batches.Take(Math.Max(1, batches.Count / 10)).ToList(), batch => AppendOneByOneAsync(data, batch));
        var postmaster = await IngestBench.PostmasterAsync(connectionString);
        var paced = new List<string>();
        foreach (var delay in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(20) })
        {
            paced.Add(await PacedAsync(data, trail, postmaster, delay));
        }
        var verification = await AuditChain.VerifyAsync(data, CancellationToken.None);

        Console.WriteLine($"load after: {Options.Load()}");
        paced.ForEach(Console.WriteLine);
        Console.WriteLine($"audit_append_many, batches of {batchSize}:          {chained:N0} entries/s");
        Console.WriteLine($"plain insert of the same rows (reference): {plain:N0} entries/s");
        Console.WriteLine($"one audit_append per entry (before):       {old:N0} entries/s");
        Console.WriteLine($"ratio chained/plain: {chained / plain:F2}; {verification}");
        Console.WriteLine($$"""{"bench":"audit","entries":{{entries}},"batch":{{batchSize}},"entriesPerSec":{{chained:F0}},"plainPerSec":{{plain:F0}},"oneByOnePerSec":{{old:F0}},"ratio":{{chained / plain:F3}}}""");
        return verification.Intact ? 0 : 1;
    }

    /// <summary>The lookup writer fed 2,000 entries a second for 5 s: PostgreSQL's CPU per entry, entries per transaction.</summary>
    private static async Task<string> PacedAsync(NpgsqlDataSource data, AuditTrail trail, int postmaster, TimeSpan delay)
    {
        const int perTick = 20, ticks = 500;
        var options = new InvoiceOptions { AuditWriteDelay = delay };
        var audit = new LookupAudit(options);
        var writer = new LookupAuditWriter(audit, trail, options, NullLogger<LookupAuditWriter>.Instance);
        var actor = new AuditActor($"bench-paced-{delay.TotalMilliseconds:F0}ms", "agency", "finance", "127.0.0.1");
        var cpu = ServerWatch.ClusterCpuSeconds(postmaster);
        await writer.StartAsync(CancellationToken.None);
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
        {
            for (var tick = 0; tick < ticks && await timer.WaitForNextTickAsync(); tick++)
            {
                for (var i = 0; i < perTick; i++)
                {
                    await audit.EnqueueAsync(DateTimeOffset.UtcNow, actor, $"4100191130|{tick * perTick + i:D8}", "consistent", CancellationToken.None);
                }
            }
        }
        await writer.StopAsync(CancellationToken.None);
        cpu = ServerWatch.ClusterCpuSeconds(postmaster) - cpu;
        await using var command = data.CreateCommand($"select count(*), count(distinct xmin::text) from {AuditTable.Name} where actor = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = actor.Actor });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (entries, transactions) = (reader.GetInt64(0), reader.GetInt64(1));
        return $"lookup writer at 2,000 entries/s, write delay {delay.TotalMilliseconds:F0} ms: {entries:N0} entries in {transactions:N0} " +
               $"transactions ({(double)entries / transactions:F1} each), PostgreSQL CPU {cpu * 1e6 / entries:F0} µs per entry";
    }

    /// <summary>Entries as a lookup makes them: an agency's client, the invoice's key, the answer.</summary>
    private static List<List<AuditRecord>> Batches(int entries, int batchSize)
    {
        var actor = new AuditActor("bench-finance", "agency", "finance", "127.0.0.1");
        return Enumerable.Range(0, entries)
            .Select(i => new AuditRecord(DateTimeOffset.UtcNow, actor, i % 10 == 0 ? "invoice.verify:inconsistent" : "invoice.verify:consistent",
                [$"4100191130|{i:D8}"]))
            .Chunk(batchSize).Select(chunk => chunk.ToList()).ToList();
    }

    private static async Task<double> TimeAsync(List<List<AuditRecord>> batches, Func<List<AuditRecord>, Task> write)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await write(batch);
        }
        return batches.Sum(b => b.Count) / watch.Elapsed.TotalSeconds;
    }

    private static async Task InsertPlainAsync(NpgsqlDataSource data, List<AuditRecord> batch, long lastSeq)
    {
        await using var command = data.CreateCommand($"""
            insert into {Plain} (seq, at, actor, role, agency, address, operation, subjects, row_count, purpose, prev_digest, digest)
            select $1 + i, at, actor, role, agency, address, operation, array[subject], null, null, repeat('0', 64), repeat('f', 64)
              from unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                   with ordinality u(at, actor, role, agency, address, operation, subject, i)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = lastSeq - batch.Count, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(e => e.At).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        foreach (var column in new Func<AuditRecord, string?>[]
                 {
                     e => e.Actor.Actor, e => e.Actor.Role, e => e.Actor.Agency, e => e.Actor.Address, e => e.Operation, e => e.Subjects[0],
                 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What <see cref="AuditTrail.RecordManyAsync"/> did before <c>audit_append_many</c>: one call per entry, one round trip.</summary>
    private static async Task AppendOneByOneAsync(NpgsqlDataSource data, List<AuditRecord> batch)
    {
        await using var connection = await data.OpenConnectionAsync();
        await using var sql = new NpgsqlBatch(connection);
        foreach (var e in batch)
        {
            sql.BatchCommands.Add(new NpgsqlBatchCommand(
                "select platform.audit_append($1, $2, $3, $4, $5, $6, $7, null::bigint, null::text)")
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = e.At, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    new NpgsqlParameter { Value = e.Actor.Actor, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = e.Actor.Role, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = (object?)e.Actor.Agency ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = (object?)e.Actor.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = e.Operation, NpgsqlDbType = NpgsqlDbType.Text },
                    new NpgsqlParameter { Value = e.Subjects.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                },
            });
        }
        await sql.PrepareAsync();
        await sql.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
