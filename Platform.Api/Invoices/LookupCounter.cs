using Npgsql;
using NpgsqlTypes;
using Platform.Ingest;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Api.Invoices;

/// <summary>
/// The daily count of lookups per invoice (<c>invoice_lookup_day</c>: invoice key, calendar day, lookups), shared by every
/// host on the database. Lookups are counted by one upsert over their invoices' keys (<see cref="Count"/>: a single
/// lookup is a batch of one), in the same round trip as the look-up: lookups of different invoices touch different rows
/// and never wait on each other; lookups of one invoice wait only for that row's statement, never for a table lock or a
/// read before the write. The batch commits asynchronously (<c>synchronous_commit off</c> on the lookups' connections,
/// <see cref="LookupDatabase"/>): a crash of PostgreSQL can forget the counts of its last few hundred milliseconds, which
/// at worst grants an invoice an extra lookup or two that day, and saves a WAL flush per lookup.
/// </summary>
public static class LookupCounter
{
    public const string Name = StoreSchema.Name + ".invoice_lookup_day";

    public static ISchemaObject Table()
    {
        var table = new Table(new PostgresqlObjectName(StoreSchema.Name, "invoice_lookup_day", SchemaUtils.IdentifierUsage.General));
        table.AddColumn("invoice_key", "text").AsPrimaryKey();
        table.AddColumn("day", "date").AsPrimaryKey();
        table.AddColumn("lookups", "integer").NotNull();
        return table;
    }

    /// <summary>
    /// Counts <paramref name="asked"/> (each invoice's key, distinct, with how many lookups of it are asked) on the day: an
    /// invoice's row adds all it is asked while its count is below <paramref name="limit"/>, and is left alone once it is
    /// not. It returns the key and the count after for each invoice it added to; <see cref="Admitted"/> says how many of
    /// each invoice's lookups that admits. The count may so pass the limit by what the last admitted batch asked beyond
    /// it (the limit decides by the count before, never after). One statement, and one upsert per row, whatever the
    /// number of lines (an upsert cannot touch a row twice in a statement, hence distinct keys); rows are taken in key
    /// order, so two batches never wait on each other in a cycle.
    /// </summary>
    public static NpgsqlBatchCommand Count(IReadOnlyDictionary<string, int> asked, DateOnly day, int limit) => new($"""
        insert into {Name} as d (invoice_key, day, lookups)
        select k.invoice_key, $3, k.lookups from unnest($1::text[], $2::integer[]) as k(invoice_key, lookups) order by k.invoice_key
        on conflict (invoice_key, day) do update set lookups = d.lookups + excluded.lookups where d.lookups < $4
        returning d.invoice_key, d.lookups
        """)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = asked.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = asked.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
            new NpgsqlParameter { Value = day, NpgsqlDbType = NpgsqlDbType.Date },
            new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer },
        },
    };

    /// <summary>The counts after <see cref="Count"/> by key (an invoice left alone, at its limit, is absent); the reader stands at its result.</summary>
    public static async Task<Dictionary<string, int>> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var counted = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            counted[reader.GetString(0)] = reader.GetInt32(1);
        }
        return counted;
    }

    /// <summary>
    /// How many of each invoice's asked lookups the day's count admitted, given what <see cref="Count"/> returned: the count
    /// before was the count after less what was asked, and the lookups admitted are those that fit below the limit from
    /// there (the first ones, in the order they were asked); none where the row was left alone.
    /// </summary>
    public static Dictionary<string, int> Admitted(IReadOnlyDictionary<string, int> asked, IReadOnlyDictionary<string, int> counted, int limit) =>
        asked.ToDictionary(a => a.Key, a => counted.TryGetValue(a.Key, out var after) ? Math.Clamp(limit - (after - a.Value), 0, a.Value) : 0,
            StringComparer.Ordinal);

    /// <summary>Deletes the counts of days before <paramref name="today"/>'s eve; returns how many.</summary>
    public static async Task<int> PruneAsync(NpgsqlDataSource database, DateOnly today, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"delete from {Name} where day < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = today.AddDays(-1), NpgsqlDbType = NpgsqlDbType.Date });
        return await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Hourly, forgets the counts of days that are over (the day before yesterday and earlier, whatever the time zone's offset).</summary>
public sealed partial class LookupCountPruning(NpgsqlDataSource database, InvoiceVerifier verifier, ILogger<LookupCountPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await LookupCounter.PruneAsync(database, verifier.Today(), stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "Pruning past days' invoice lookup counts failed; the next pass, in an hour, tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
