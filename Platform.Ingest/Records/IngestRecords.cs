using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;

namespace Platform.Ingest.Records;

/// <summary>
/// A page of the one-household file, newest first (<see cref="TaxpayerFileKey"/> order): its records, how many are held in
/// all, whether more follow, and the key of its last record, from which the next page starts.
/// </summary>
public sealed record TaxpayerFileRead(IReadOnlyList<TaxpayerRecord> Records, int Held, bool More, TaxpayerFileKey? Last)
{
    /// <summary>Held but not in this page (for the first page: the oldest).</summary>
    public int LeftOut => Held - Records.Count;
}

/// <summary>
/// Where a record stands in the one-household file, which lists records by these four in descending order (newest period
/// first, then template, submission and row, all descending): a total order, since a submission's row is one record.
/// </summary>
public sealed record TaxpayerFileKey(Period Period, string TemplateId, string SubmissionId, int Row);

/// <summary>
/// One record about a taxpayer as the one-household file (一户式档案) lists it: which agency sent it, for which
/// template and period, from which submission and row, its state, and its values by field name. The state is
/// <c>current</c>, <c>superseded</c> (a later correction or replacement took its place), <c>voided</c> (withdrawn), or
/// <c>withdrawal</c> (the row of a void submission that withdrew it).
/// </summary>
public sealed record TaxpayerRecord(
    string Agency,
    string TemplateId,
    int TemplateVersion,
    Period? Period,
    string SubmissionId,
    int Row,
    string RecordKey,
    string State,
    JsonElement Values);

/// <summary>A record as it stands now (the view <c>standing_record</c>): the current version of an accepted submission's row.</summary>
public sealed record StandingRecord(
    string Agency,
    string TemplateId,
    int TemplateVersion,
    Period? Period,
    string RecordKey,
    string? SubjectKey,
    bool Voided,
    string SubmissionId,
    int Row,
    JsonElement Values);

/// <summary>
/// An invoice as the bureau's <c>invoices-issued</c> data set holds it now (its standing record), with the seller's and
/// buyer's names from the standing tax registration (else the business registration) of their credit codes, where held.
/// <see cref="Status"/> is 正常, 作废 (voided) or 红冲 (red-letter).
/// </summary>
public sealed record IssuedInvoice(
    string? Code,
    string Number,
    DateOnly Issued,
    string SellerUscc,
    string? SellerName,
    string? BuyerUscc,
    string? BuyerName,
    decimal? Amount,
    decimal? Tax,
    string? CheckCode,
    string Status);

/// <summary>A column of a typed view: its name and SQL type (<c>text</c>, <c>numeric</c>, <c>bigint</c>, <c>date</c>, ...).</summary>
public sealed record TypedViewColumn(string Name, string SqlType);

/// <summary>
/// The view of a data set's standing records, typed (<see cref="IngestRecords.TypedView"/>): its qualified name, for
/// set-based SQL, and its columns, the record's own (agency, template_version, submission_id, row_number, record_key,
/// subject_key, period, accepted_at) then one per template field.
/// </summary>
public sealed record TypedRecordView(string TemplateId, string Name, IReadOnlyList<TypedViewColumn> Columns);

/// <summary>
/// The one read layer over ingest's tables (<c>ingest_record</c>, <c>ingest_accepted</c>, <c>ingest_error</c>,
/// <c>ingest_error_count</c> and the view <c>standing_record</c>): every reader outside Platform.Ingest goes through it,
/// so the tables can change shape without their readers knowing. Access to taxpayer-level data is the caller's to
/// check and audit; this layer only reads.
/// </summary>
public sealed class IngestRecords(NpgsqlDataSource database)
{
    /// <summary>
    /// The typed view of a standard template's standing records (current, not voided, of accepted submissions), for
    /// set-based SQL such as the comparisons': one row per record, a column per template field of the field's type
    /// (string text, integer bigint, number numeric, date and yearmonth date (the month's first day), boolean boolean),
    /// empty cells null. Fields are mapped by name from whatever version a record was sent under: a field that version
    /// lacks is null. Corrections, voids and replacements show in it as soon as they are accepted.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The template is not one with a typed view (only the standard templates have one).</exception>
    public static TypedRecordView TypedView(string templateId)
    {
        var table = TypedTables.For(templateId) ?? throw new KeyNotFoundException($"Template '{templateId}' has no typed view.");
        return new TypedRecordView(templateId, table.View,
            [.. TypedTable.RecordColumns.Select(c => new TypedViewColumn(c.Name, c.SqlType)),
             .. table.Columns.Select(c => new TypedViewColumn(c.Name, c.SqlType))]);
    }

    /// <summary>
    /// Analyses the tables behind the typed views of <paramref name="templateIds"/> (and <c>ingest_record</c>,
    /// <c>ingest_accepted</c>) whose statistics lag their rows: more than 10% of the rows changed since the last analyse,
    /// autovacuum's test without its floor of 50, which left <c>ingest_accepted</c> of a few dozen submissions unanalysed
    /// (estimated at 400 rows, it made each view's join ten times too small). Readers of large sets call it before their
    /// query: just after a large acceptance the planner otherwise sees the tables as they were before it (a few rows
    /// where there are a million) and joins the views by nested loops, each over a whole view (ops/bench compare: the
    /// surcharge rule on 5,000 taxpayers timed out at 30 s; with statistics it took 1 s). An analyse samples a fixed
    /// number of rows, a fraction of a second whatever the table's size.
    /// </summary>
    public static async Task RefreshStatisticsAsync(NpgsqlConnection connection, IEnumerable<string> templateIds, CancellationToken ct)
    {
        string[] tables =
        [
            $"{StoreSchema.Name}.ingest_record", $"{StoreSchema.Name}.ingest_accepted",
            .. templateIds.Select(t => TypedTables.For(t)?.Table).OfType<string>(),
        ];
        var stale = new List<string>();
        await using (var command = new NpgsqlCommand("""
            select schemaname || '.' || relname from pg_stat_user_tables
             where schemaname || '.' || relname = any($1) and n_mod_since_analyze > 0.1 * n_live_tup
            """, connection) { Parameters = { new() { Value = tables } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                stale.Add(reader.GetString(0));
            }
        }
        foreach (var table in stale)
        {
            await using var analyse = new NpgsqlCommand($"analyze {table}", connection);
            await analyse.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The template of the bureau's invoices, whose record key is <see cref="InvoiceKey"/>.</summary>
    public const string InvoicesTemplate = "invoices-issued";

    /// <summary>
    /// The record key of an invoice of <see cref="InvoicesTemplate"/> (its primary key, code then number, joined by
    /// <c>|</c>; a fully digital invoice has no code, so its key starts with the bar).
    /// </summary>
    public static string InvoiceKey(string? code, string number) => $"{code}|{number}";

    /// <summary>
    /// The look-up of standing invoices by their keys (<see cref="InvoiceKey"/>), one statement for any number of keys (a
    /// batch's distinct invoices, or one), as a command for the caller's batch so that it shares a round trip with the
    /// caller's own statements; read its rows with <see cref="ReadInvoicesAsync"/>. Each key goes by the partial unique
    /// index on the current record's key, then the primary keys of the acceptance and the typed row: three index probes
    /// per key whatever the data set's size, and a correction or void shows at once. Names come from each party's latest
    /// registration, the tax bureau's before the market regulator's, through the latest records
    /// (<see cref="LatestRecords"/>): two more probes per name, whatever the party issued. Not by the subject index:
    /// every invoice a seller issued carries the seller's subject key, so that probe would read all of them, at every
    /// lookup (<c>InvoiceLookupCostTests</c>). The latest records are brought up to date by the ingest worker right after
    /// acceptance, not by the lookup, so a registration accepted a moment ago names its business a moment later.
    /// </summary>
    public static NpgsqlBatchCommand InvoiceLookup(IEnumerable<string> invoiceKeys) =>
        new(InvoiceLookupSql.Value)
        {
            Parameters = { new NpgsqlParameter { Value = invoiceKeys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text } },
        };

    private static readonly Lazy<string> InvoiceLookupSql = new(() =>
    {
        var invoices = TypedView(InvoicesTemplate).Name;
        var taxRegistrations = TypedTables.For("tax-registrations")!.Latest;
        var businessRegistrations = TypedTables.For("business-registrations")!.Latest;
        string NameOf(string uscc) => $"""
            coalesce((select t.name from {taxRegistrations} t where t.subject_key = {uscc}),
                     (select b.name from {businessRegistrations} b where b.subject_key = {uscc}))
            """;
        return $"""
            select i.record_key, i.invoice_code, i.invoice_number, i.issued, i.seller_uscc, {NameOf("i.seller_uscc")}, i.buyer_uscc,
                   {NameOf("i.buyer_uscc")}, i.amount, i.tax, i.check_code, i.status
              from {invoices} i
             where i.record_key = any($1)
            """;
    });

    /// <summary>The invoices <see cref="InvoiceLookup"/> found, by key (a key not held is absent); the reader stands at that command's result.</summary>
    public static async Task<Dictionary<string, IssuedInvoice>> ReadInvoicesAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var invoices = new Dictionary<string, IssuedInvoice>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            invoices[reader.GetString(0)] = new IssuedInvoice(TextAt(reader, 1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3), reader.GetString(4),
                TextAt(reader, 5), TextAt(reader, 6), TextAt(reader, 7), reader.IsDBNull(8) ? null : reader.GetDecimal(8),
                reader.IsDBNull(9) ? null : reader.GetDecimal(9), TextAt(reader, 10), reader.GetString(11));
        }
        return invoices;
    }

    private static string? TextAt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// For each of <paramref name="templateIds"/>, a SELECT of each subject's standing record as of the date parameter
    /// <c>$1</c> (the record of the latest period up to it; ties by the later submission, then the later row), with the
    /// typed view's columns. For a register template (<see cref="LatestRecords.Templates"/>) it first applies what was
    /// accepted since (so corrections show at once) and, when no subject's latest record is after
    /// <paramref name="asOf"/>, reads the kept latest records; otherwise it sorts the typed view per subject.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> StandingPerSubjectAsync(NpgsqlConnection connection, IEnumerable<string> templateIds,
        DateOnly asOf, CancellationToken ct)
    {
        var ids = templateIds.Distinct(StringComparer.Ordinal).ToList();
        await LatestRecords.CatchUpAsync(connection, ids, ct);
        var standing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            standing[id] = TypedTables.For(id)?.Latest is { } latest && await LatestRecords.CoversAsync(connection, id, asOf, ct)
                ? $"select * from {latest}"
                : $"""
                  select distinct on (subject_key) *
                    from {TypedView(id).Name}
                   where period <= $1
                   order by subject_key, period desc, submission_id desc, row_number desc
                  """;
        }
        return standing;
    }

    /// <summary>
    /// What follows an acceptance, off the accepting transaction (the ingest worker calls it after each round of
    /// submissions): statistics refreshed where rows changed, then the register templates' latest records brought up to
    /// date (and analysed), so that once none are pending a reader finds nothing left to do.
    /// </summary>
    public static async Task AfterAcceptanceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await RefreshStatisticsAsync(connection, TypedTables.All.Select(t => t.TemplateId), ct);
        await LatestRecords.CatchUpAsync(connection, LatestRecords.Templates, ct);
    }

    /// <summary>Whether accepted submissions of these templates still wait to be applied to the latest records (a benchmark waits for none).</summary>
    public static Task<bool> LatestPendingAsync(NpgsqlConnection connection, IEnumerable<string> templateIds, CancellationToken ct) =>
        LatestRecords.PendingAsync(connection, templateIds, ct);

    /// <summary>Every typed view (<see cref="TypedView"/>), by template id.</summary>
    public static IEnumerable<TypedRecordView> TypedViews => TypedTables.All.Select(t => TypedView(t.TemplateId));

    /// <summary>
    /// What is held about one taxpayer (by the subject key, such as a credit code), across agencies and time, a page at a
    /// time in <see cref="TaxpayerFileKey"/> order: rows of accepted submissions only, with corrected and voided versions
    /// marked; the first <paramref name="first"/> after <paramref name="after"/> (from the start when null), with the
    /// count of all held (counted when <paramref name="held"/> is null; a later page passes the first page's count, so
    /// only the first pays for counting the file). The subject's rows are found by the hash index
    /// <c>ix_ingest_record_subject</c> (cheaper for every upload than a B-tree in the file's order, <see cref="RecordTables"/>)
    /// and the page kept by a sort bounded by its size (a top-N heap): a page's memory is its size; its time grows with the
    /// subject's file, not with the platform's. Ingest writes every record's period (the submission's where the row has
    /// none), so the key is never null.
    /// </summary>
    public async Task<TaxpayerFileRead> TaxpayerFileAsync(string subject, int first, TaxpayerFileKey? after, int? held, CancellationToken ct)
    {
        await using var batch = database.CreateBatch();
        if (held is null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                select count(*)::int
                  from {StoreSchema.Name}.ingest_record r
                  join {StoreSchema.Name}.ingest_accepted a on a.submission_id = r.submission_id
                 where r.subject_key = $1
                """) { Parameters = { new() { Value = subject } } });
        }
        var page = new NpgsqlBatchCommand(TaxpayerFilePage(after is not null))
        {
            Parameters =
            {
                new() { Value = subject },
                new() { Value = first + 1, NpgsqlDbType = NpgsqlDbType.Integer },
            },
        };
        if (after is not null)
        {
            page.Parameters.Add(new() { Value = after.Period.FirstDay, NpgsqlDbType = NpgsqlDbType.Date });
            page.Parameters.Add(new() { Value = after.TemplateId });
            page.Parameters.Add(new() { Value = after.SubmissionId });
            page.Parameters.Add(new() { Value = after.Row, NpgsqlDbType = NpgsqlDbType.Integer });
        }
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (held is null)
        {
            await reader.ReadAsync(ct);
            held = reader.GetInt32(0);
            await reader.NextResultAsync(ct);
        }
        var records = new List<TaxpayerRecord>();
        while (await reader.ReadAsync(ct))
        {
            records.Add(new TaxpayerRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), PeriodAt(reader, 3), reader.GetString(4),
                reader.GetInt32(5), reader.GetString(6), reader.GetString(7), JsonDocument.Parse(reader.GetString(8)).RootElement));
        }
        var more = records.Count > first;
        if (more)
        {
            records.RemoveAt(first);
        }
        var last = records.Count == 0 ? null : records[^1];
        return new TaxpayerFileRead(records, held.Value, more, last is null ? null : new TaxpayerFileKey(
            last.Period ?? throw new InvalidOperationException($"Record {last.SubmissionId}/{last.Row} has no period; ingest writes one for every record."),
            last.TemplateId, last.SubmissionId, last.Row));
    }

    /// <summary>
    /// The statement of a page of the one-household file: $1 the subject, $2 how many rows; after a record, $3 to $6 its
    /// key (<see cref="TaxpayerFileKey"/>). Its order is the subject index's read backwards, so no sort and no offset.
    /// </summary>
    public static string TaxpayerFilePage(bool after) =>
        $"""
        select a.agency, r.template_id, a.template_version, r.period, r.submission_id, r.row_number, r.record_key,
               case when a.mode = 'void' then 'withdrawal'
                    when not r.current then 'superseded'
                    when r.voided then 'voided'
                    else 'current' end,
               {StoreSchema.Name}.record_object(a.fields, r.values)::text
          from {StoreSchema.Name}.ingest_record r
          join {StoreSchema.Name}.ingest_accepted a on a.submission_id = r.submission_id
         where r.subject_key = $1 {(after ? "and (r.period, r.template_id, r.submission_id, r.row_number) < ($3, $4, $5, $6)" : "")}
         order by r.period desc, r.template_id desc, r.submission_id desc, r.row_number desc
         limit $2
        """;

    /// <summary>A template's records as they stand for one period, voided ones included and flagged, in record-key order.</summary>
    public async IAsyncEnumerable<StandingRecord> StandingAsync(string templateId, Period period, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"""
            select agency, template_id, template_version, period, record_key, subject_key, voided, submission_id, row_number, record::text
              from {StoreSchema.Name}.standing_record
             where template_id = $1 and period = $2
             order by record_key
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = templateId });
        command.Parameters.Add(new NpgsqlParameter { Value = period.FirstDay });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new StandingRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), PeriodAt(reader, 3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetBoolean(6), reader.GetString(7), reader.GetInt32(8),
                JsonDocument.Parse(reader.GetString(9)).RootElement);
        }
    }

    /// <summary>How many required cells were found empty in each of these submissions (for the scoreboard's completeness).</summary>
    public async Task<Dictionary<string, int>> RequiredCellsMissingAsync(string[] submissionIds, CancellationToken ct)
    {
        var counts = new Dictionary<string, int>();
        await using var command = database.CreateCommand(
            $"select submission_id, count(*) from {StoreSchema.Name}.ingest_error where constraint_name = 'required' and submission_id = any($1) group by submission_id");
        command.Parameters.Add(new NpgsqlParameter { Value = submissionIds });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>A submission's problems counted by field, code and severity, listed or not; most frequent first.</summary>
    public async Task<IReadOnlyList<ErrorCount>> ErrorCountsAsync(string submissionId, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select field, code, severity, count from {StoreSchema.Name}.ingest_error_count where submission_id = $1 order by count desc, field, code");
        command.Parameters.Add(new NpgsqlParameter { Value = submissionId });
        var counts = new List<ErrorCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var field = reader.GetString(0);
            counts.Add(new ErrorCount(field.Length == 0 ? null : field, reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }
        return counts;
    }

    /// <summary>A submission's problems kept in full (the first <c>Ingest:MaxErrorsKept</c>), in the order found, as a stream.</summary>
    public async IAsyncEnumerable<ErrorLine> ListedErrorsAsync(string submissionId, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"select row_number, field, code, severity, message, message_en, value from {StoreSchema.Name}.ingest_error where submission_id = $1 order by seq");
        command.Parameters.Add(new NpgsqlParameter { Value = submissionId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ErrorLine(reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
    }

    private static Period? PeriodAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Period.Of(reader.GetFieldValue<DateOnly>(ordinal));
}
