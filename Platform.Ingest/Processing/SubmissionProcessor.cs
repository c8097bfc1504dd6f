using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Marten;
using Marten.Services;
using Npgsql;
using Platform.Ingest.Reading;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Ingest.Processing;

/// <summary>
/// Streams one stored submission through its template version's compiled validator. Every batch of rows is
/// committed in one transaction together with its <see cref="RowsChecked"/> event, so a crash loses at most the batch
/// in flight and a rerun resumes after the last committed one. The records count only from the final transaction that
/// also records the submission as accepted (<see cref="RecordTables.AcceptAsync"/>): nothing half-written stands.
/// It only orchestrates (claim, read, batches, transactions, accept, reject): <see cref="RecordEncoder"/> turns a row into
/// its record, and <see cref="RecordKeyRules"/> decides which records a mode keeps.
/// </summary>
public sealed class SubmissionProcessor(IDocumentStore store, NpgsqlDataSource dataSource, IngestOptions options, TimeProvider time, Storage.UploadStore uploads)
{
    private readonly ConcurrentDictionary<(string, int), CompiledTemplate> compiled = new();

    /// <summary>
    /// Processes the submission if this host can claim it (<see cref="SubmissionClaim"/>); does nothing when another host
    /// holds it or it is finished. Every write goes through the claiming connection, so a host that lost its claim (its
    /// connection died with it) cannot write another batch.
    /// </summary>
    public async Task ProcessAsync(string submissionId, CancellationToken ct)
    {
        await using var claim = await SubmissionClaim.TryTakeAsync(dataSource, submissionId, ct);
        if (claim is null)
        {
            return;
        }
        Submission? submission;
        Template? template;
        await using (var query = store.QuerySession())
        {
            submission = await query.LoadAsync<Submission>(submissionId, ct);
            if (submission is null || submission.IsFinished)
            {
                return;
            }
            template = await query.LoadAsync<Template>(submission.TemplateId, ct);
        }
        if (template?.Version(submission.TemplateVersion) is not { } version)
        {
            await FinishAsync(claim.Connection, submission,
                new SubmissionFailed(submission.Id, "The template version of this submission no longer exists.", time.GetUtcNow()), ct);
            return;
        }

        try
        {
            using var reader = RowReaders.Open(uploads.Resolve(submission.StoredPath), submission.MediaType, submission.IsUtf8, options);
            await CheckRowsAsync(claim.Connection, submission, version.Schema, reader, ct);
        }
        catch (FileProblemException problem)
        {
            await RejectAsync(claim.Connection, submission, problem.MessageZh, problem.Message, [], ct);
        }
    }

    private async Task CheckRowsAsync(NpgsqlConnection connection, Submission submission, TemplateSchema schema, IRowReader reader, CancellationToken ct)
    {
        var template = compiled.GetOrAdd((submission.TemplateId, submission.TemplateVersion), _ => CompiledTemplate.Compile(schema));
        var validation = template.Begin(reader.Header, keysOnly: submission.Mode == SubmissionMode.Void);
        if (!validation.HeaderAccepted)
        {
            var (reason, reasonEn) = HeaderReason(reader.Header.Count, schema.Fields.Count, validation.HeaderErrors);
            await RejectAsync(connection, submission, reason, reasonEn, validation.HeaderErrors, ct);
            return;
        }
        if (submission.Status == SubmissionStatus.Received)
        {
            await AppendAsync(connection, submission.Id, new SubmissionValidationStarted(submission.Id, reader.Encoding, time.GetUtcNow()), ct);
        }

        // Reading and checking rows (this thread) overlaps with committing the previous batch (the writer), so the
        // platform's CPU and PostgreSQL's work at the same time; at most two batches wait, so memory stays flat.
        var batches = Channel.CreateBounded<Batch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(() => WriteBatchesAsync(connection, submission, batches, ct), ct);
        int row;
        try
        {
            row = await ReadBatchesAsync(submission, schema, reader, validation, batches.Writer, ct);
        }
        catch (Exception read)
        {
            batches.Writer.TryComplete();
            try
            {
                await writer; // never leave the writer running behind a failure
            }
            catch when (read is not ChannelClosedException)
            {
                // The reader's fault is the one to report; a closed channel means the writer failed first.
            }
            throw;
        }
        batches.Writer.TryComplete();
        await writer;
        if (row == 1)
        {
            await RejectAsync(connection, submission, "文件只有表头，没有数据行。", "The file has a header but no data rows.", [], ct);
            return;
        }
        await CompleteAsync(connection, submission.Id, row - 1, [.. schema.Fields.Select(f => f.Name)], ct);
    }

    /// <summary>
    /// The reason a header is refused, short whatever the header: the column counts when it has more than the template,
    /// the first few problems, and how many more there are (every receipt listing carries the reason).
    /// </summary>
    private static (string Zh, string En) HeaderReason(int columns, int fields, IReadOnlyList<TemplateError> errors)
    {
        const int Listed = 5;
        var counts = columns <= fields ? ("", "") : (
            string.Create(CultureInfo.InvariantCulture, $"表头有 {columns:N0} 列，模板有 {fields:N0} 列。"),
            string.Create(CultureInfo.InvariantCulture, $"the header has {columns:N0} columns; the template has {fields:N0}. "));
        var more = errors.Count <= Listed ? ("", "") : (
            string.Create(CultureInfo.InvariantCulture, $" 另有 {errors.Count - Listed:N0} 处问题，错误报告列出前 {MaxFileErrors} 处。"),
            string.Create(CultureInfo.InvariantCulture, $" … and {errors.Count - Listed:N0} more problems; the error report lists the first {MaxFileErrors}."));
        return ("表头与模板不符：" + counts.Item1 + string.Join(" ", errors.Take(Listed).Select(e => e.Message)) + more.Item1,
            "The header does not match the template: " + counts.Item2 + string.Join(" ", errors.Take(Listed).Select(e => e.MessageEn)) + more.Item2);
    }

    /// <summary>Reads and checks every row, handing full batches to the writer; returns the last row number.</summary>
    private async Task<int> ReadBatchesAsync(Submission submission, TemplateSchema schema, IRowReader reader, FileValidation validation,
        ChannelWriter<Batch> batches, CancellationToken ct)
    {
        using var records = new RecordEncoder(schema, submission);
        var values = new Cell[schema.Fields.Count];
        var rowErrors = new List<TemplateError>();
        var listed = 0; // problems listed in full by earlier batches, re-read ones included: a resumed run lists the same
        var batch = new Batch(1, 2);
        var row = 1;
        while (reader.Read())
        {
            row++;
            rowErrors.Clear();
            if (validation.ValidateRow(row, reader.Row, values, rowErrors) && records.CheckPeriod(row, values, rowErrors))
            {
                batch.Accepted.Add(records.Row(row, values, batch.Records, batch.Typed));
            }
            foreach (var error in rowErrors)
            {
                batch.Errors.Add(error, options.MaxErrorsKept - listed);
            }
            if (row - batch.FirstRow + 1 == options.BatchSize)
            {
                listed += batch.Errors.Listed.Count;
                await Hand(batch, row);
                batch = new Batch(batch.Number + 1, row + 1);
            }
        }
        if (row >= batch.FirstRow)
        {
            await Hand(batch, row);
        }
        return row;

        // A batch committed before a restart is not written again; its rows were re-read only to rebuild the key sets.
        async Task Hand(Batch full, int lastRow)
        {
            full.LastRow = lastRow;
            if (full.Number > submission.Batches)
            {
                await batches.WriteAsync(full, ct);
            }
            else
            {
                full.Dispose();
            }
        }
    }

    private async Task WriteBatchesAsync(NpgsqlConnection connection, Submission submission, Channel<Batch> batches, CancellationToken ct)
    {
        try
        {
            var listed = submission.ErrorsListed;
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                using (batch)
                {
                    listed = await FlushAsync(connection, submission, batch, listed, ct);
                }
            }
        }
        catch (Exception e)
        {
            batches.Writer.TryComplete(e);
            throw;
        }
    }

    /// <summary>
    /// Commits one batch with its records, its problems (listed in full while the submission has listed fewer than
    /// <see cref="IngestOptions.MaxErrorsKept"/>, counted always) and its event; returns how many problems are listed now.
    /// </summary>
    private async Task<int> FlushAsync(NpgsqlConnection connection, Submission submission, Batch batch, int listed, CancellationToken ct)
    {
        await using var transaction = await BeginBatchAsync(connection, ct);
        var keys = await WriteRecordsAsync(connection, transaction, submission, batch, ct);
        batch.Errors.ListAtMost(options.MaxErrorsKept - listed);
        await RecordTables.WriteProblemsAsync(connection, submission.Id, listed, batch.Errors, ct);
        await AppendAsync(transaction, submission.Id, new RowsChecked(submission.Id, batch.Number, batch.FirstRow, batch.LastRow + 1,
            keys.Kept.Count, batch.Rows - keys.Kept.Count, batch.Errors.Total, batch.Errors.Warnings, batch.Errors.Listed.Count, time.GetUtcNow(),
            keys.Revived.Count), ct);
        await transaction.CommitAsync(ct);
        return listed + batch.Errors.Listed.Count;
    }

    /// <summary>
    /// A batch's transaction, committed without waiting for its WAL to reach the disk (<c>synchronous_commit</c> off, a
    /// disk flush less per batch on the upload's critical path: about 1 s of 15 per million rows). A crash may then lose
    /// the last batches committed, never part of one and never out of order (WAL is replayed in order, each batch's event
    /// in its transaction), and the resumed submission writes them again from its stored file as it does the batch in
    /// flight. The transaction that accepts the submission waits for the disk as every other does, so an accepted
    /// receipt is durable.
    /// </summary>
    private static async Task<NpgsqlTransaction> BeginBatchAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("set local synchronous_commit = off", connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    /// <summary>What a batch with no accepted rows looks up: nothing, so it costs no query.</summary>
    private static readonly IReadOnlyDictionary<string, bool> NoKeys = new Dictionary<string, bool>();

    /// <summary>
    /// Writes a batch's accepted rows as the record-key rules (<see cref="RecordKeyRules"/>) allow, adding a row error for
    /// each row they refuse. A new record is written as current at once (it stands when its submission is accepted); any
    /// other waits for the accept step to put it in place of the record it corrects, replaces or revives. New records are
    /// written optimistically: their keys are almost never held, and when one is, the unique index on current keys
    /// refuses the batch, which is then checked key by key.
    /// </summary>
    private static async Task<RecordKeyDecision> WriteRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Submission submission, Batch batch, CancellationToken ct)
    {
        var isNew = submission.Mode == SubmissionMode.New;
        var typed = TypedTables.For(submission.TemplateId);
        if (isNew && batch.Accepted.Count > 0)
        {
            await transaction.SaveAsync("records", ct);
            try
            {
                await RecordTables.CopyRecordsAsync(connection, batch.Records, batch.Typed, typed, batch.Accepted, _ => true, ct);
                return RecordKeyDecision.KeepAll(batch.Accepted);
            }
            catch (Exception e) when (DatabaseFaults.IsUniqueViolation(e))
            {
                await transaction.RollbackAsync("records", ct);
            }
        }
        IReadOnlyDictionary<string, bool> held = batch.Accepted.Count == 0
            ? NoKeys
            : await RecordTables.KnownKeysAsync(connection, submission.TemplateId, [.. batch.Accepted.Select(r => r.Key)], ct);
        var keys = RecordKeyRules.Decide(submission.Mode, batch.Accepted, held);
        foreach (var error in keys.Errors)
        {
            batch.Errors.Add(error, int.MaxValue);
        }
        await RecordTables.CopyRecordsAsync(connection, batch.Records, batch.Typed, typed, keys.Kept, row => isNew && !keys.Revived.Contains(row.Key), ct);
        return keys;
    }

    private async Task CompleteAsync(NpgsqlConnection connection, string submissionId, int rowsRead, string[] fields, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        var submission = (await session.LoadAsync<Submission>(submissionId, ct))!;
        await RecordTables.AcceptAsync(connection, submission, Period.Parse(submission.Period).FirstDay, fields, time.GetUtcNow(), ct);
        session.Events.Append(submissionId,
            new SubmissionAccepted(submissionId, rowsRead, submission.RowsAccepted, submission.RowsRejected, time.GetUtcNow()));
        await session.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>File problems a rejection lists, in its event and in the error report.</summary>
    private const int MaxFileErrors = 100;

    private Task RejectAsync(NpgsqlConnection connection, Submission submission, string reason, string reasonEn, IReadOnlyList<TemplateError> errors,
        CancellationToken ct) =>
        FinishAsync(connection, submission, new SubmissionRejected(submission.Id, reason, reasonEn, [.. errors.Take(MaxFileErrors)], time.GetUtcNow()), ct);

    /// <summary>
    /// Ends a submission that applied nothing, removing whatever of it was written; a rejection's file problems (a
    /// header that does not match, say) become its error report.
    /// </summary>
    /// <returns>False when another host holds the submission (it ends it itself).</returns>
    public async Task<bool> FinishAsync(Submission submission, object ending, CancellationToken ct)
    {
        await using var claim = await SubmissionClaim.TryTakeAsync(dataSource, submission.Id, ct);
        if (claim is null)
        {
            return false;
        }
        await FinishAsync(claim.Connection, submission, ending, ct);
        return true;
    }

    private async Task FinishAsync(NpgsqlConnection connection, Submission submission, object ending, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await RecordTables.DiscardAsync(connection, submission.TemplateId, submission.Id, ct);
        if (ending is SubmissionRejected { FileErrors.Count: > 0 } rejected)
        {
            var report = new ErrorTally();
            foreach (var error in rejected.FileErrors)
            {
                report.Add(error, int.MaxValue);
            }
            await RecordTables.WriteProblemsAsync(connection, submission.Id, 0, report, ct);
        }
        await AppendAsync(transaction, submission.Id, ending, ct);
        await transaction.CommitAsync(ct);
    }

    private async Task AppendAsync(NpgsqlConnection connection, string submissionId, object e, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await AppendAsync(transaction, submissionId, e, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Appends a submission event in the caller's transaction, beside whatever the same transaction writes to the record tables.</summary>
    private async Task AppendAsync(NpgsqlTransaction transaction, string submissionId, object e, CancellationToken ct)
    {
        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.Events.Append(submissionId, e);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Rows FirstRow..LastRow of the file (the header is row 1), checked and waiting to be committed together.</summary>
    private sealed class Batch(int number, int firstRow) : IDisposable
    {
        public CopyRows Records { get; } = new();

        /// <summary>The accepted rows as rows of the template's typed table (<see cref="TypedTables"/>), if it has one.</summary>
        public CopyRows Typed { get; } = new();

        public void Dispose()
        {
            Records.Dispose();
            Typed.Dispose();
        }

        public int Number { get; } = number;
        public int FirstRow { get; } = firstRow;
        public int LastRow { get; set; }
        public int Rows => LastRow - FirstRow + 1;
        public List<RecordRow> Accepted { get; } = [];
        public ErrorTally Errors { get; } = new();
    }
}
