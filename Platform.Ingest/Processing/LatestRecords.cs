using System.Globalization;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Ingest.Processing;

/// <summary>
/// Each subject's latest standing record of the register templates (<see cref="Templates"/>: monthly increments, so a
/// subject's standing registration is its record of the latest period), kept in <c>ingest_latest</c> as a pointer to the
/// record: (template, subject) → period, submission, row, record key. The order is the typed views' (period, then the
/// later submission, whose ids are time-ordered, then the later row). Readers that want every subject's standing
/// record then join a million pointers instead of sorting the register each time (ops/bench compare, bench/RESULTS.md).
/// <para>
/// Kept after acceptance, not in the accepting transaction (a million-row upsert there would double ingest's time):
/// <see cref="CatchUpAsync"/> applies the accepted submissions not yet applied, in acceptance order, and is called by the
/// ingest worker after each submission and by every reader before it reads, so a correction shows at once. A new
/// submission moves its subjects forward (an upsert that keeps the later record); a correction, replacement or void
/// recomputes the subjects it touched from <c>ingest_record</c> (by the subject index).
/// </para>
/// </summary>
public static class LatestRecords
{
    public const string Table = StoreSchema.Name + ".ingest_latest";
    private const string Applied = StoreSchema.Name + ".ingest_latest_applied";
    private const string Records = StoreSchema.Name + ".ingest_record";
    private const string Accepted = StoreSchema.Name + ".ingest_accepted";

    /// <summary>The templates whose files are monthly increments of a register (their descriptions say so).</summary>
    public static readonly IReadOnlySet<string> Templates = new HashSet<string>(StringComparer.Ordinal) { "business-registrations", "tax-registrations" };

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var latest = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_latest", SchemaUtils.IdentifierUsage.General));
        latest.AddColumn("template_id", "text").AsPrimaryKey();
        latest.AddColumn("subject_key", "text").AsPrimaryKey();
        latest.AddColumn("period", "date").NotNull();
        latest.AddColumn("submission_id", "text").NotNull();
        latest.AddColumn("row_number", "integer").NotNull();
        latest.AddColumn("record_key", "text").NotNull();
        // Whether a run as of an earlier day can use the table (no latest period after it), and which subjects a
        // correction's record keys touch.
        latest.Indexes.Add(new IndexDefinition("ix_ingest_latest_period") { Columns = ["template_id", "period"] });
        latest.Indexes.Add(new IndexDefinition("ix_ingest_latest_record_key") { Columns = ["template_id", "record_key"] });
        yield return latest;

        var applied = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_latest_applied", SchemaUtils.IdentifierUsage.General));
        applied.AddColumn("submission_id", "text").AsPrimaryKey();
        yield return applied;
    }

    /// <summary>
    /// Applies the accepted submissions of <paramref name="templateIds"/> (those that are registers) not yet in the table,
    /// each template under its own transaction-level lock, so hosts and readers apply each submission once.
    /// </summary>
    public static async Task CatchUpAsync(NpgsqlConnection connection, IEnumerable<string> templateIds, CancellationToken ct)
    {
        foreach (var templateId in templateIds.Where(Templates.Contains).Distinct(StringComparer.Ordinal))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, "select pg_advisory_xact_lock(hashtextextended('ingest_latest:' || $1, 0))", ct, templateId);
            var pending = new List<(string Id, string Mode, DateOnly Period)>();
            await using (var command = new NpgsqlCommand($"""
                select submission_id, mode, period from {Accepted} a
                 where template_id = $1 and not exists (select 1 from {Applied} p where p.submission_id = a.submission_id)
                 order by accepted_at, submission_id
                """, connection) { Parameters = { new() { Value = templateId } } })
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    pending.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
                }
            }
            foreach (var (id, mode, period) in pending)
            {
                if (mode == "new")
                {
                    await ExecuteAsync(connection, MoveForward, ct, id);
                }
                else
                {
                    await RecomputeAsync(connection, templateId, id, mode == "replace" ? period : null, ct);
                }
                await ExecuteAsync(connection, $"insert into {Applied} (submission_id) values ($1)", ct, id);
            }
            if (pending.Count == 0)
            {
                await transaction.CommitAsync(ct);
                continue;
            }
            // The table's statistics follow what was applied, here rather than by a reader's staleness test: the counts of
            // changed rows reach pg_stat only after the commit (forced to at the next idle moment), and an ANALYZE inside
            // the transaction would be counted stale again by them.
            await ExecuteAsync(connection, "select pg_stat_force_next_flush()", ct);
            await transaction.CommitAsync(ct);
            await ExecuteAsync(connection, $"analyze {Table}", ct);
        }
    }

    /// <summary>Whether every subject's latest record of the template is on or before <paramref name="asOf"/>, so the table answers for that day.</summary>
    public static async Task<bool> CoversAsync(NpgsqlConnection connection, string templateId, DateOnly asOf, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select not exists (select 1 from {Table} where template_id = $1 and period > $2)", connection)
        {
            Parameters = { new() { Value = templateId }, new() { Value = asOf } },
        };
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>Whether accepted submissions of the templates wait to be applied.</summary>
    public static async Task<bool> PendingAsync(NpgsqlConnection connection, IEnumerable<string> templateIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select exists (select 1 from {Accepted} a where template_id = any($1)
                             and not exists (select 1 from {Applied} p where p.submission_id = a.submission_id))
            """, connection) { Parameters = { new() { Value = templateIds.Where(Templates.Contains).ToArray() } } };
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>
    /// A new submission: its standing rows move their subjects forward where they are later in the views' order. Its
    /// records are new keys (or revive voided ones, which stood nowhere), so no subject's record stops standing.
    /// </summary>
    private static readonly string MoveForward = $"""
        insert into {Table} as l (template_id, subject_key, period, submission_id, row_number, record_key)
        select distinct on (r.subject_key) r.template_id, r.subject_key, r.period, r.submission_id, r.row_number, r.record_key
          from {Records} r
         where r.submission_id = $1 and r.current and not r.voided and r.subject_key is not null and r.period is not null
         order by r.subject_key, r.period desc, r.row_number desc
        on conflict (template_id, subject_key) do update
           set period = excluded.period, submission_id = excluded.submission_id, row_number = excluded.row_number, record_key = excluded.record_key
         where (excluded.period, excluded.submission_id, excluded.row_number) > (l.period, l.submission_id, l.row_number)
        """;

    /// <summary>
    /// A correction, replacement or void: the subjects of its rows, of the latest records whose keys it names, and (a
    /// replacement) of the period's latest records it withdrew, computed again from the standing records.
    /// </summary>
    private static async Task RecomputeAsync(NpgsqlConnection connection, string templateId, string submissionId, DateOnly? replacedPeriod,
        CancellationToken ct)
    {
        var withdrawn = replacedPeriod is { } period
            ? $"""
              union
              select l.subject_key from {Table} l
                join {Records} r on r.submission_id = l.submission_id and r.row_number = l.row_number
               where l.template_id = $2 and l.period = '{period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}' and (r.voided or not r.current)
              """
            : "";
        await ExecuteAsync(connection, $"""
            create temporary table latest_touched on commit drop as
            select subject_key from {Records} where submission_id = $1 and subject_key is not null
            union
            select l.subject_key from {Table} l
             where l.template_id = $2 and l.record_key in (select record_key from {Records} where submission_id = $1)
            {withdrawn}
            """, ct, submissionId, templateId);
        await ExecuteAsync(connection, $"delete from {Table} l using latest_touched t where l.template_id = $1 and l.subject_key = t.subject_key", ct,
            templateId);
        await ExecuteAsync(connection, $"""
            insert into {Table} (template_id, subject_key, period, submission_id, row_number, record_key)
            select distinct on (r.subject_key) r.template_id, r.subject_key, r.period, r.submission_id, r.row_number, r.record_key
              from {Records} r
              join {Accepted} a on a.submission_id = r.submission_id
             where r.template_id = $1 and r.subject_key in (select subject_key from latest_touched)
               and r.current and not r.voided and r.period is not null
             order by r.subject_key, r.period desc, r.submission_id desc, r.row_number desc
            """, ct, templateId);
        await ExecuteAsync(connection, "drop table latest_touched", ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync(ct);
    }
}
