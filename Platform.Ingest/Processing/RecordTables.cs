using Npgsql;
using NpgsqlTypes;
using Platform.Ingest.Submissions;
using Platform.Templates.Validation;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Views;

namespace Platform.Ingest.Processing;

/// <summary>
/// One accepted row of a batch: its row number, its record key, and where its <c>ingest_record</c> row lies in the
/// batch's <see cref="CopyRows"/> (the <c>current</c> flag is its last byte).
/// </summary>
public sealed record RecordRow(int Row, string Key, int Start, int Length)
{
    public int End => Start + Length;

    /// <summary>Where the row's typed-table row lies in the batch's typed <see cref="CopyRows"/> (none: length 0).</summary>
    public int TypedStart { get; init; }

    public int TypedLength { get; init; }
}

/// <summary>
/// The record tables, created with Marten's schema (so the migrate command covers them) and written by set-based SQL:
/// <list type="bullet">
/// <item><c>ingest_record</c>: every accepted row of every submission, with its submission and row number (traceability),
/// typed, indexed subject key and period columns (what the comparisons join on), and whether it is the record as it
/// stands (<c>current</c>, at most one row per template and record key: a partial unique index) and withdrawn
/// (<c>voided</c>). A correction or replacement turns the earlier row's <c>current</c> off; history stays.</item>
/// <item><c>ingest_accepted</c>: the submissions whose records count, written in the transaction that accepts one, with
/// the template version's field names in the order of each record's <c>values</c> array.</item>
/// <item><c>ingest_error</c>: the first row-level problems of a submission in full, up to <c>Ingest:MaxErrorsKept</c>, and
/// <c>ingest_error_count</c>: every problem counted by field (empty when none), code and severity. Together, the error
/// report (read through <see cref="Records.IngestRecords"/>); a file of millions of wrong rows keeps a few MB.</item>
/// <item><c>standing_record</c>: a view of the records as they stand (current rows of accepted submissions, voided
/// ones flagged) with each record's values also by name (<c>record</c>), the one place readers start from.</item>
/// </list>
/// One table rather than rows plus a separate "current" table: a new record is written once, during its batch, as
/// current; what makes it count is its submission's row in <c>ingest_accepted</c>, one row per submission. Rows of a
/// submission still being checked are therefore current but not yet standing, and a failed one's rows are deleted.
/// </summary>
public static class RecordTables
{

    /// <summary>The records as they stand: current rows of accepted submissions (voided ones flagged).</summary>
    public const string Standing = StoreSchema.Name + ".standing_record";

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var record = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_record", SchemaUtils.IdentifierUsage.General));
        record.AddColumn("submission_id", "text").AsPrimaryKey();
        record.AddColumn("row_number", "integer").AsPrimaryKey();
        record.AddColumn("template_id", "text").NotNull();
        record.AddColumn("period", "date");
        record.AddColumn("record_key", "text").NotNull();
        record.AddColumn("subject_key", "text");
        record.AddColumn("values", "json").NotNull();
        record.AddColumn("current", "boolean").NotNull();
        record.AddColumn("voided", "boolean").NotNull().DefaultValueByExpression("false");
        record.AddColumn("voided_by", "text");
        record.Indexes.Add(new IndexDefinition("ux_ingest_record_current_key")
        {
            Columns = ["template_id", "record_key"], IsUnique = true, Predicate = "current",
        });
        // Readers ask only "subject_key = x" of it; a hash index takes each key of a random-order file without a B-tree
        // descent to a random leaf (about 2 s less of PostgreSQL's CPU per million rows: bench/RESULTS.md, ingest). So
        // the one-household file's pages (IngestRecords.TaxpayerFileAsync) read the subject's rows and keep the page's
        // newest by a bounded top-N sort, rather than walking a B-tree in the file's order: a B-tree on the file's order
        // would cost every upload more than a subject's page ever saves.
        record.Indexes.Add(new IndexDefinition("ix_ingest_record_subject") { Columns = ["subject_key"], Method = IndexMethod.hash });
        yield return record;

        var accepted = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_accepted", SchemaUtils.IdentifierUsage.General));
        accepted.AddColumn("submission_id", "text").AsPrimaryKey();
        accepted.AddColumn("agency", "text").NotNull();
        accepted.AddColumn("template_id", "text").NotNull();
        accepted.AddColumn("template_version", "integer").NotNull();
        accepted.AddColumn("period", "date").NotNull();
        accepted.AddColumn("mode", "text").NotNull();
        accepted.AddColumn("fields", "text[]").NotNull();
        accepted.AddColumn("accepted_at", "timestamptz").NotNull();
        yield return accepted;

        var error = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_error", SchemaUtils.IdentifierUsage.General));
        error.AddColumn("submission_id", "text").AsPrimaryKey();
        error.AddColumn("seq", "integer").AsPrimaryKey();
        error.AddColumn("row_number", "integer");
        error.AddColumn("field", "text");
        error.AddColumn("code", "text").NotNull();
        error.AddColumn("severity", "text").NotNull();
        error.AddColumn("constraint_name", "text");
        error.AddColumn("message", "text").NotNull();
        error.AddColumn("message_en", "text").NotNull();
        error.AddColumn("value", "text");
        yield return error;

        var errorCount = new Table(new PostgresqlObjectName(StoreSchema.Name, "ingest_error_count", SchemaUtils.IdentifierUsage.General));
        errorCount.AddColumn("submission_id", "text").AsPrimaryKey();
        errorCount.AddColumn("field", "text").AsPrimaryKey();
        errorCount.AddColumn("code", "text").AsPrimaryKey();
        errorCount.AddColumn("severity", "text").AsPrimaryKey();
        errorCount.AddColumn("count", "bigint").NotNull();
        yield return errorCount;

        // A record's values by field name, for readers that want them so (the standing_record view's "record").
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.record_object(fields text[], vals json) returns json
            language sql immutable parallel safe as $$
              select coalesce(json_object_agg(f.name, v.value), '{}'::json)
                from unnest(fields) with ordinality f(name, i)
                join json_array_elements(vals) with ordinality v(value, i) using (i)
            $$;
            """);

        yield return new View(new PostgresqlObjectName(StoreSchema.Name, "standing_record", SchemaUtils.IdentifierUsage.General),
            $"""
            select a.agency, r.template_id, a.template_version, r.period, r.record_key, r.subject_key,
                   {StoreSchema.Name}.record_object(a.fields, r.values) as record, r.values, a.fields,
                   r.voided, r.voided_by, r.submission_id, r.row_number, a.accepted_at
              from {StoreSchema.Name}.ingest_record r
              join {StoreSchema.Name}.ingest_accepted a on a.submission_id = r.submission_id
             where r.current
            """);

        foreach (var latest in LatestRecords.SchemaObjects())
        {
            yield return latest;
        }

        foreach (var typed in TypedTables.SchemaObjects())
        {
            yield return typed;
        }
    }

    /// <summary>The columns each <see cref="RecordRow"/> holds, in order.</summary>
    public const short RecordColumns = 8;

    /// <summary>
    /// Streams a batch's accepted rows, already in COPY format, to <c>ingest_record</c>; <paramref name="current"/> says
    /// which are the current record at once. Then their rows of the template's typed table, if it has one, from
    /// <paramref name="typedRows"/>.
    /// </summary>
    public static async Task CopyRecordsAsync(NpgsqlConnection connection, CopyRows buffer, CopyRows typedRows, TypedTable? typed,
        IReadOnlyList<RecordRow> rows, Func<RecordRow, bool> current, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            buffer.SetBoolEndingAt(row.End, current(row));
        }
        await CopyAsync(connection,
            $"COPY {StoreSchema.Name}.ingest_record (submission_id, row_number, template_id, period, record_key, subject_key, values, current) FROM STDIN (FORMAT BINARY)",
            buffer, rows, row => (row.Start, row.Length), ct);
        if (typed is not null && rows.Count > 0 && rows[0].TypedLength > 0)
        {
            await CopyAsync(connection, typed.CopyCommand, typedRows, rows, row => (row.TypedStart, row.TypedLength), ct);
        }
    }

    /// <summary>Streams the rows' bytes as one COPY; rows that lie together in the buffer (none dropped) go as one block.</summary>
    private static async Task CopyAsync(NpgsqlConnection connection, string command, CopyRows buffer, IReadOnlyList<RecordRow> rows,
        Func<RecordRow, (int Start, int Length)> at, CancellationToken ct)
    {
        var contiguous = true;
        for (var i = 1; i < rows.Count && contiguous; i++)
        {
            contiguous = at(rows[i]).Start == at(rows[i - 1]).Start + at(rows[i - 1]).Length;
        }
        await using var copy = await connection.BeginRawBinaryCopyAsync(command, ct);
        await copy.WriteAsync(CopyRows.Header, ct);
        if (contiguous && rows.Count > 0)
        {
            var (start, _) = at(rows[0]);
            var (lastStart, lastLength) = at(rows[^1]);
            await copy.WriteAsync(buffer.Slice(start, lastStart + lastLength - start), ct);
        }
        else
        {
            foreach (var row in rows)
            {
                var (start, length) = at(row);
                await copy.WriteAsync(buffer.Slice(start, length), ct);
            }
        }
        await copy.WriteAsync(CopyRows.Trailer, ct);
    }

    /// <summary>
    /// Writes a tally of problems in the caller's transaction: its listed problems in full, numbered from
    /// <paramref name="firstSeq"/>, and its counts added to the submission's.
    /// </summary>
    public static async Task WriteProblemsAsync(NpgsqlConnection connection, string submissionId, int firstSeq, ErrorTally tally, CancellationToken ct)
    {
        await CopyErrorsAsync(connection, submissionId, firstSeq, tally.Listed, ct);
        await AddErrorCountsAsync(connection, submissionId, tally, ct);
    }

    private static async Task CopyErrorsAsync(NpgsqlConnection connection, string submissionId, int firstSeq, List<TemplateError> errors,
        CancellationToken ct)
    {
        if (errors.Count == 0)
        {
            return;
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {StoreSchema.Name}.ingest_error (submission_id, seq, row_number, field, code, severity, constraint_name, message, message_en, value) FROM STDIN (FORMAT BINARY)", ct);
        var seq = firstSeq;
        foreach (var error in errors)
        {
            copy.StartRow();
            copy.Write(submissionId, NpgsqlDbType.Text);
            copy.Write(seq++, NpgsqlDbType.Integer);
            copy.Write(error.Row, NpgsqlDbType.Integer);
            copy.Write(error.Field, NpgsqlDbType.Text);
            copy.Write(error.Code, NpgsqlDbType.Text);
            copy.Write(TemplateError.NameOf(error.Severity), NpgsqlDbType.Text);
            copy.Write(error.Constraint, NpgsqlDbType.Text);
            copy.Write(error.Message, NpgsqlDbType.Text);
            copy.Write(error.MessageEn, NpgsqlDbType.Text);
            copy.Write(error.Value, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync(ct);
    }

    private static async Task AddErrorCountsAsync(NpgsqlConnection connection, string submissionId, ErrorTally tally, CancellationToken ct)
    {
        if (tally.Counts.Count == 0)
        {
            return;
        }
        var counts = tally.Counts.ToArray();
        await using var command = new NpgsqlCommand($"""
            insert into {StoreSchema.Name}.ingest_error_count (submission_id, field, code, severity, count)
            select $1, f, c, s, n from unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) t(f, c, s, n)
            on conflict (submission_id, field, code, severity) do update set count = ingest_error_count.count + excluded.count
            """, connection)
        {
            Parameters =
            {
                new() { Value = submissionId },
                new() { Value = counts.Select(c => c.Key.Field).ToArray() },
                new() { Value = counts.Select(c => c.Key.Code).ToArray() },
                new() { Value = counts.Select(c => TemplateError.NameOf(c.Key.Severity)).ToArray() },
                new() { Value = counts.Select(c => (long)c.Value).ToArray() },
            },
        };
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Which of these keys the template has a record for, and whether that record is voided.</summary>
    public static async Task<Dictionary<string, bool>> KnownKeysAsync(NpgsqlConnection connection, string templateId, IReadOnlyList<string> keys,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            // A join on the unnested keys rather than "record_key = any($2)": while a large submission is written, the
            // table's statistics lag behind and the planner then scans every current row of the template per batch.
            $"""
            select r.record_key, r.voided from unnest($2::text[]) k(key)
              join {StoreSchema.Name}.ingest_record r on r.template_id = $1 and r.record_key = k.key and r.current
            """, connection)
        {
            Parameters = { new() { Value = templateId }, new() { Value = keys.ToArray() } },
        };
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            known[reader.GetString(0)] = reader.GetBoolean(1);
        }
        return known;
    }

    /// <summary>
    /// Makes an accepted submission's records count, as its mode says, in the caller's transaction. A new record was
    /// written as current during its batch, so a plain <c>new</c> submission only records its acceptance.
    /// </summary>
    public static async Task AcceptAsync(NpgsqlConnection connection, Submission submission, DateOnly period, string[] fields, DateTimeOffset now,
        CancellationToken ct)
    {
        if (submission.Mode == SubmissionMode.Replace)
        {
            // Records of the period that the replacement no longer holds are withdrawn by it.
            await ExecuteAsync(connection, $"""
                update {StoreSchema.Name}.ingest_record o set voided = true, voided_by = $1
                 where o.template_id = $2 and o.period = $3 and o.current and not o.voided
                   and not exists (select 1 from {StoreSchema.Name}.ingest_record n
                                    where n.submission_id = $1 and n.template_id = o.template_id and n.record_key = o.record_key)
                """, ct, submission.Id, submission.TemplateId, period);
        }
        if (submission.Mode == SubmissionMode.Void)
        {
            await ExecuteAsync(connection, $"""
                update {StoreSchema.Name}.ingest_record o set voided = true, voided_by = $1
                  from {StoreSchema.Name}.ingest_record n
                 where n.submission_id = $1 and o.template_id = n.template_id and o.record_key = n.record_key and o.current
                """, ct, submission.Id);
        }
        else if (submission.Mode != SubmissionMode.New || submission.Revived > 0)
        {
            // Corrections, replacements and revived voided keys: the earlier version steps down, then this one stands.
            await ExecuteAsync(connection, $"""
                update {StoreSchema.Name}.ingest_record o set current = false
                  from {StoreSchema.Name}.ingest_record n
                 where n.submission_id = $1 and not n.current and o.template_id = n.template_id and o.record_key = n.record_key
                   and o.current
                """, ct, submission.Id);
            await ExecuteAsync(connection, $"update {StoreSchema.Name}.ingest_record set current = true where submission_id = $1 and not current", ct,
                submission.Id);
        }
        await ExecuteAsync(connection, $"""
            insert into {StoreSchema.Name}.ingest_accepted (submission_id, agency, template_id, template_version, period, mode, fields, accepted_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            """, ct, submission.Id, submission.Agency, submission.TemplateId, submission.TemplateVersion, period,
            submission.Mode.ToString().ToLowerInvariant(), fields, now);
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

    /// <summary>Removes what a failed submission wrote, so nothing of it stays behind.</summary>
    public static async Task DiscardAsync(NpgsqlConnection connection, string templateId, string submissionId, CancellationToken ct)
    {
        await ExecuteAsync(connection, $"delete from {StoreSchema.Name}.ingest_record where submission_id = $1", ct, submissionId);
        await TypedTables.DiscardAsync(connection, templateId, submissionId, ct);
        await ExecuteAsync(connection, $"delete from {StoreSchema.Name}.ingest_error where submission_id = $1", ct, submissionId);
        await ExecuteAsync(connection, $"delete from {StoreSchema.Name}.ingest_error_count where submission_id = $1", ct, submissionId);
    }
}
