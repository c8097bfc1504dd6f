using Npgsql;
using NpgsqlTypes;
using Platform.Ingest.Submissions;
using Platform.Templates.Validation;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Ingest.Processing;

/// <summary>One accepted row as the record tables hold it: typed keys for joins, every value in <c>values</c>.</summary>
public sealed record RecordRow(int Row, string Key, string? Subject, DateTime? Period, string ValuesJson);

/// <summary>
/// The record tables, created with Marten's schema (so the migrate command covers them) and written by set-based SQL:
/// <list type="bullet">
/// <item><c>ingest_record</c>: every accepted row of every submission, with its submission and row number (traceability);</item>
/// <item><c>ingest_current</c>: per template and record key, which row is the record as it stands after corrections
/// and voids (its values are that row's in <c>ingest_record</c>);</item>
/// <item><c>ingest_error</c>: every row-level problem, for the error report.</item>
/// </list>
/// Both record tables have typed, indexed subject key and period columns, which the comparisons join on.
/// </summary>
public static class RecordTables
{
    private const string Schema = "platform";

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var record = new Table(new PostgresqlObjectName(Schema, "ingest_record", SchemaUtils.IdentifierUsage.General));
        record.AddColumn("submission_id", "text").AsPrimaryKey();
        record.AddColumn("row_number", "integer").AsPrimaryKey();
        record.AddColumn("template_id", "text").NotNull();
        record.AddColumn("template_version", "integer").NotNull();
        record.AddColumn("agency", "text").NotNull();
        record.AddColumn("period", "date");
        record.AddColumn("record_key", "text").NotNull();
        record.AddColumn("subject_key", "text");
        record.AddColumn("values", "json").NotNull();
        record.Indexes.Add(new IndexDefinition("ix_ingest_record_subject") { Columns = ["subject_key"] });
        yield return record;

        // Narrow on purpose: values stay in ingest_record, joined on (submission_id, row_number), so accepting a
        // submission writes keys and pointers only.
        var current = new Table(new PostgresqlObjectName(Schema, "ingest_current", SchemaUtils.IdentifierUsage.General));
        current.AddColumn("template_id", "text").AsPrimaryKey();
        current.AddColumn("record_key", "text").AsPrimaryKey();
        current.AddColumn("period", "date");
        current.AddColumn("subject_key", "text");
        current.AddColumn("submission_id", "text").NotNull();
        current.AddColumn("row_number", "integer").NotNull();
        current.AddColumn("voided", "boolean").NotNull().DefaultValueByExpression("false");
        current.AddColumn("voided_by", "text");
        current.AddColumn("updated_at", "timestamptz").NotNull();
        current.Indexes.Add(new IndexDefinition("ix_ingest_current_subject_period") { Columns = ["template_id", "subject_key", "period"] });
        yield return current;

        var error = new Table(new PostgresqlObjectName(Schema, "ingest_error", SchemaUtils.IdentifierUsage.General));
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
    }

    public static async Task CopyRecordsAsync(NpgsqlConnection connection, Submission submission, IReadOnlyList<RecordRow> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY platform.ingest_record (submission_id, row_number, template_id, template_version, agency, period, record_key, subject_key, values) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            copy.StartRow();
            copy.Write(submission.Id, NpgsqlDbType.Text);
            copy.Write(row.Row, NpgsqlDbType.Integer);
            copy.Write(submission.TemplateId, NpgsqlDbType.Text);
            copy.Write(submission.TemplateVersion, NpgsqlDbType.Integer);
            copy.Write(submission.Agency, NpgsqlDbType.Text);
            if (row.Period is { } period)
            {
                copy.Write(DateOnly.FromDateTime(period), NpgsqlDbType.Date);
            }
            else
            {
                copy.WriteNull();
            }
            copy.Write(row.Key, NpgsqlDbType.Text);
            copy.Write(row.Subject, NpgsqlDbType.Text);
            copy.Write(row.ValuesJson, NpgsqlDbType.Json);
        }
        await copy.CompleteAsync(ct);
    }

    public static async Task CopyErrorsAsync(NpgsqlConnection connection, string submissionId, int firstSeq, IReadOnlyList<TemplateError> errors,
        CancellationToken ct)
    {
        if (errors.Count == 0)
        {
            return;
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY platform.ingest_error (submission_id, seq, row_number, field, code, severity, constraint_name, message, message_en, value) FROM STDIN (FORMAT BINARY)", ct);
        var seq = firstSeq;
        foreach (var error in errors)
        {
            copy.StartRow();
            copy.Write(submissionId, NpgsqlDbType.Text);
            copy.Write(seq++, NpgsqlDbType.Integer);
            copy.Write(error.Row, NpgsqlDbType.Integer);
            copy.Write(error.Field, NpgsqlDbType.Text);
            copy.Write(error.Code, NpgsqlDbType.Text);
            copy.Write(error.Severity.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
            copy.Write(error.Constraint, NpgsqlDbType.Text);
            copy.Write(error.Message, NpgsqlDbType.Text);
            copy.Write(error.MessageEn, NpgsqlDbType.Text);
            copy.Write(error.Value, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>Which of these keys the template has a record for, and whether that record is voided.</summary>
    public static async Task<Dictionary<string, bool>> KnownKeysAsync(NpgsqlConnection connection, string templateId, IReadOnlyList<string> keys,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select record_key, voided from platform.ingest_current where template_id = $1 and record_key = any($2)", connection)
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

    /// <summary>Applies an accepted submission to the current records, as its mode says, in the caller's transaction.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, Submission submission, DateOnly period, DateTimeOffset now, CancellationToken ct)
    {
        const string columns = "template_id, record_key, period, subject_key, submission_id, row_number, voided, updated_at";
        const string rows = "select template_id, record_key, period, subject_key, submission_id, row_number, false, $2 " +
                            "from platform.ingest_record where submission_id = $1";
        var sql = submission.Mode switch
        {
            SubmissionMode.Void => """
              update platform.ingest_current c
                 set voided = true, voided_by = r.submission_id, updated_at = $2
                from platform.ingest_record r
               where r.submission_id = $1 and c.template_id = r.template_id and c.record_key = r.record_key
              """,
            // New keys only (held ones were row errors, and none was voided before): a plain insert, which costs about
            // half of an upsert.
            SubmissionMode.New when submission.Revived == 0 => $"insert into platform.ingest_current ({columns}) {rows}",
            _ => $"""
              insert into platform.ingest_current ({columns}) {rows}
              on conflict (template_id, record_key) do update
                 set period = excluded.period, subject_key = excluded.subject_key, submission_id = excluded.submission_id,
                     row_number = excluded.row_number, voided = false, voided_by = null, updated_at = excluded.updated_at
              """,
        };
        await using (var apply = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = submission.Id }, new() { Value = now } } })
        {
            await apply.ExecuteNonQueryAsync(ct);
        }
        if (submission.Mode == SubmissionMode.Replace)
        {
            await using var replace = new NpgsqlCommand(
                """
                update platform.ingest_current c set voided = true, voided_by = $1, updated_at = $2
                 where c.template_id = $3 and c.period = $4 and not c.voided
                   and not exists (select 1 from platform.ingest_record r where r.submission_id = $1 and r.record_key = c.record_key)
                """, connection)
            {
                Parameters = { new() { Value = submission.Id }, new() { Value = now }, new() { Value = submission.TemplateId }, new() { Value = period } },
            };
            await replace.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Removes what a failed submission wrote, so nothing of it stays behind.</summary>
    public static async Task DiscardAsync(NpgsqlConnection connection, string submissionId, CancellationToken ct)
    {
        foreach (var table in new[] { "ingest_record", "ingest_error" })
        {
            await using var command = new NpgsqlCommand($"delete from platform.{table} where submission_id = $1", connection)
            {
                Parameters = { new() { Value = submissionId } },
            };
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
