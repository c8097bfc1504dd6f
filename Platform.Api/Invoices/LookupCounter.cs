using Npgsql;
using NpgsqlTypes;
using Platform.Ingest;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Api.Invoices;

/// <summary>
/// The daily count of lookups per invoice (<c>invoice_lookup_day</c>: invoice key, calendar day, lookups), shared by every
/// host on the database, and beside it each caller's share (<c>invoice_lookup_caller_day</c>: the same per caller, its
/// token's subject), capped below the invoice's limit so that one caller cannot spend an invoice's lookups for everyone
/// (<see cref="InvoiceOptions.LookupsPerInvoicePerCallerPerDay"/>). Lookups are counted by one statement over their
/// invoices' keys and callers (<see cref="Count"/>: a single lookup is a batch of one), in the same round trip as the
/// look-up: lookups of different invoices touch different rows and never wait on each other; lookups of one invoice wait
/// only for its rows' statement, never for a table lock or a read before the write. The batch commits asynchronously
/// (<c>synchronous_commit off</c> on the lookups' connections, <see cref="LookupDatabase"/>): a crash of PostgreSQL can
/// forget the counts of its last few hundred milliseconds, which at worst grants an invoice an extra lookup or two that
/// day, and saves a WAL flush per lookup.
/// </summary>
public static class LookupCounter
{
    public const string Name = StoreSchema.Name + ".invoice_lookup_day";
    public const string ByCaller = StoreSchema.Name + ".invoice_lookup_caller_day";

    public static IEnumerable<ISchemaObject> Tables()
    {
        var table = new Table(new PostgresqlObjectName(StoreSchema.Name, "invoice_lookup_day", SchemaUtils.IdentifierUsage.General));
        table.AddColumn("invoice_key", "text").AsPrimaryKey();
        table.AddColumn("day", "date").AsPrimaryKey();
        table.AddColumn("lookups", "integer").NotNull();
        yield return table;

        var byCaller = new Table(new PostgresqlObjectName(StoreSchema.Name, "invoice_lookup_caller_day", SchemaUtils.IdentifierUsage.General));
        byCaller.AddColumn("invoice_key", "text").AsPrimaryKey();
        byCaller.AddColumn("day", "date").AsPrimaryKey();
        byCaller.AddColumn("caller", "text").AsPrimaryKey();
        byCaller.AddColumn("lookups", "integer").NotNull();
        yield return byCaller;
    }

    /// <summary>
    /// Counts <paramref name="asked"/> (each invoice's key and caller, distinct, with how many lookups that caller asks of
    /// it) on the day, in one statement. First each caller's row adds all its caller asks while its count is below
    /// <paramref name="callerLimit"/>, and the lookups that fit below the cap from the count before are that caller's
    /// admitted ones; then the invoice's row adds what its callers' rows admitted while its count is below
    /// <paramref name="limit"/>, so a lookup refused by its caller's cap never spends the other callers' allowance. It
    /// returns, per key and caller asked, what the caller's cap admitted and the invoice's count after (null where the
    /// invoice's row was left alone or given nothing); <see cref="Admitted"/> walks the lines with them. A count may pass
    /// its limit by what the last admitted batch asked beyond it (the limits decide by the count before, never after). An
    /// upsert cannot touch a row twice in a statement, hence distinct keys; rows are taken in key order, so two batches
    /// never wait on each other in a cycle.
    /// </summary>
    public static NpgsqlBatchCommand Count(IReadOnlyDictionary<(string Key, string Caller), int> asked, DateOnly day, int limit, int callerLimit) => new($"""
        with asked as (
          select * from unnest($1::text[], $2::text[], $3::integer[]) as a(invoice_key, caller, lookups)
        ), by_caller as (
          insert into {ByCaller} as c (invoice_key, day, caller, lookups)
          select invoice_key, $4, caller, lookups from asked order by invoice_key, caller
          on conflict (invoice_key, day, caller) do update set lookups = c.lookups + excluded.lookups where c.lookups < $6
          returning c.invoice_key, c.caller, c.lookups
        ), admitted as (
          select a.invoice_key, a.caller, coalesce(least(greatest($6 - (b.lookups - a.lookups), 0), a.lookups), 0) as lookups,
                 b.lookups as caller_after
            from asked a left join by_caller b on b.invoice_key = a.invoice_key and b.caller = a.caller
        ), by_invoice as (
          insert into {Name} as d (invoice_key, day, lookups)
          select invoice_key, $4, sum(lookups)::integer from admitted where lookups > 0 group by invoice_key order by invoice_key
          on conflict (invoice_key, day) do update set lookups = d.lookups + excluded.lookups where d.lookups < $5
          returning d.invoice_key, d.lookups
        )
        select a.invoice_key, a.caller, a.lookups, i.lookups, a.caller_after from admitted a left join by_invoice i on i.invoice_key = a.invoice_key
        """)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = asked.Keys.Select(k => k.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = asked.Keys.Select(k => k.Caller).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = asked.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
            new NpgsqlParameter { Value = day, NpgsqlDbType = NpgsqlDbType.Date },
            new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer },
            new NpgsqlParameter { Value = callerLimit, NpgsqlDbType = NpgsqlDbType.Integer },
        },
    };

    /// <summary>
    /// What <see cref="Count"/> returned: per key and caller, the lookups its cap admitted; per key, the invoice's count
    /// after (absent where left alone); per key and caller, the caller's count after (absent where left alone: at its cap).
    /// </summary>
    public sealed record Counted(Dictionary<(string Key, string Caller), int> ByCaller, Dictionary<string, int> InvoiceAfter,
        Dictionary<(string Key, string Caller), int>? CallerAfter = null);

    /// <summary>Reads <see cref="Count"/>'s result; the reader stands at it.</summary>
    public static async Task<Counted> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var counted = new Counted([], new Dictionary<string, int>(StringComparer.Ordinal), []);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetString(0);
            var caller = reader.GetString(1);
            counted.ByCaller[(key, caller)] = reader.GetInt32(2);
            if (!reader.IsDBNull(3))
            {
                counted.InvoiceAfter[key] = reader.GetInt32(3);
            }
            if (!reader.IsDBNull(4))
            {
                counted.CallerAfter![(key, caller)] = reader.GetInt32(4);
            }
        }
        return counted;
    }

    /// <summary>What the count said of one line: null <see cref="Spent"/> when admitted, else which allowance was spent;
    /// <see cref="Remaining"/>, the lookups of the invoice its caller may still make today after it.</summary>
    public readonly record struct Admission(string? Spent, int Remaining);

    /// <summary>
    /// Which lines are admitted, in their order (<paramref name="lines"/>: each line's key and caller): a line is admitted
    /// while both its caller's admitted lookups of the invoice and the invoice's admitted lookups last. The invoice admits,
    /// of what its callers' caps admitted, those that fit below <paramref name="limit"/> from its count before (its count
    /// after less what was added), the first ones in line order; none where its row was left alone. A line's
    /// <see cref="Admission.Remaining"/> is the lesser of what is left below <paramref name="limit"/> and below
    /// <paramref name="callerLimit"/> once the lines up to it are counted (its caller's row counts every line asked).
    /// </summary>
    public static Admission[] Admitted(IReadOnlyList<(string Key, string Caller)> lines, Counted counted, int limit, int callerLimit)
    {
        var byCaller = new Dictionary<(string Key, string Caller), int>(counted.ByCaller);
        var added = byCaller.GroupBy(c => c.Key.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.Value), StringComparer.Ordinal);
        var byInvoice = added.ToDictionary(a => a.Key,
            a => counted.InvoiceAfter.TryGetValue(a.Key, out var after) ? Math.Clamp(limit - (after - a.Value), 0, a.Value) : 0, StringComparer.Ordinal);
        // The counts as each line leaves them: the invoice's from its count before, the caller's from its own.
        var invoiceCount = added.ToDictionary(a => a.Key,
            a => counted.InvoiceAfter.TryGetValue(a.Key, out var after) ? after - a.Value : limit, StringComparer.Ordinal);
        var callerCount = lines.CountBy(line => line).ToDictionary(a => a.Key,
            a => counted.CallerAfter?.TryGetValue(a.Key, out var after) == true ? after - a.Value : callerLimit);
        var admissions = new Admission[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            string? spent = null;
            if (byCaller.GetValueOrDefault(line) <= 0)
            {
                spent = CallerShare;
            }
            else if (byInvoice.GetValueOrDefault(line.Key) <= 0)
            {
                spent = InvoiceDay;
            }
            else
            {
                byCaller[line]--;
                byInvoice[line.Key]--;
                invoiceCount[line.Key]++;
            }
            callerCount[line]++;
            admissions[i] = new Admission(spent, spent is null
                ? Math.Max(0, Math.Min(limit - invoiceCount.GetValueOrDefault(line.Key, limit), callerLimit - callerCount[line]))
                : 0);
        }
        return admissions;
    }

    /// <summary>A lookup refused because its caller has had its share of the invoice's lookups today (others may still ask).</summary>
    public const string CallerShare = "caller-share";

    /// <summary>A lookup refused because the invoice has had all its lookups today, across callers.</summary>
    public const string InvoiceDay = "invoice-day";

    /// <summary>Deletes the counts of days before <paramref name="today"/>'s eve; returns how many.</summary>
    public static async Task<int> PruneAsync(NpgsqlDataSource database, DateOnly today, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var table in new[] { Name, ByCaller })
        {
            await using var command = database.CreateCommand($"delete from {table} where day < $1");
            command.Parameters.Add(new NpgsqlParameter { Value = today.AddDays(-1), NpgsqlDbType = NpgsqlDbType.Date });
            deleted += await command.ExecuteNonQueryAsync(ct);
        }
        return deleted;
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
