using Npgsql;
using NpgsqlTypes;
using Platform.Ingest;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Api.Invoices;

/// <summary>
/// The daily count of lookups per invoice (<c>invoice_lookup_day</c>: invoice key, calendar day, lookups), shared by every
/// host on the database. A lookup counts itself by one upsert of its own (invoice, day) row that adds one only while the
/// count is below the limit, in the same round trip as the lookup: lookups of different invoices touch different rows and
/// never wait on each other; lookups of one invoice wait only for that row's statement, never for a table lock or a read
/// before the write. The batch commits asynchronously (<c>synchronous_commit off</c> on the lookups' connections,
/// <see cref="LookupDatabase"/>): a crash
/// of PostgreSQL can forget the counts of its last few hundred milliseconds, which at worst grants an invoice an extra
/// lookup or two that day, and saves a WAL flush per lookup.
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

    /// <summary>Counts one lookup of the invoice on the day if fewer than <paramref name="limit"/> were counted: one row when admitted, none when not.</summary>
    public static NpgsqlBatchCommand Count(string invoiceKey, DateOnly day, int limit) => new($"""
        insert into {Name} as d (invoice_key, day, lookups) values ($1, $2, 1)
        on conflict (invoice_key, day) do update set lookups = d.lookups + 1 where d.lookups < $3
        returning d.lookups
        """)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = invoiceKey, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter { Value = day, NpgsqlDbType = NpgsqlDbType.Date },
            new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer },
        },
    };

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
