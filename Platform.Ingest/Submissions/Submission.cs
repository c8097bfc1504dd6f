using Platform.Templates.Validation;

namespace Platform.Ingest.Submissions;

/// <summary>What a submission does to the records already held for its template (the OECD CRS model).</summary>
public enum SubmissionMode
{
    /// <summary>New records for the period; a key already held is a row error (send it as a correction).</summary>
    New,

    /// <summary>Records replace the held ones with the same key; an unknown key is a row error (CRS 80002).</summary>
    Correct,

    /// <summary>Records are withdrawn by key; only the key columns are needed; an unknown key is a row error.</summary>
    Void,

    /// <summary>A full replacement of the period: held records of the period that the file does not repeat are voided.</summary>
    Replace,
}

public enum SubmissionStatus
{
    Received,
    Validating,
    Accepted,
    AcceptedWithErrors,
    Rejected,

    /// <summary>A permanent fault of the platform (not of the file); nothing of it is applied.</summary>
    Failed,
}

public sealed record SubmissionReceived(
    string SubmissionId, string Agency, string TemplateId, int TemplateVersion, string Period, SubmissionMode Mode,
    string FileName, string MediaType, string Sha256, long Size, bool IsUtf8, string StoredPath, string? IdempotencyKey, string By,
    DateTimeOffset At);

public sealed record SubmissionValidationStarted(string SubmissionId, string Encoding, DateTimeOffset At);

/// <summary>
/// One batch of rows checked and committed together with its records: which rows, how many accepted, how many problems
/// were found (warnings included) and how many of them the error report lists in full. Counts only: the problems
/// themselves are in the error report's tables. Batches are numbered, so a resumed submission skips those already committed.
/// </summary>
public sealed record RowsChecked(string SubmissionId, int Batch, int FirstRow, int LastRow, int Accepted, int Rejected,
    int Problems, int Warnings, int Listed, DateTimeOffset At, int Revived = 0);

public sealed record SubmissionAccepted(string SubmissionId, int RowsRead, int RowsAccepted, int RowsRejected, DateTimeOffset At);

/// <summary>A file-level problem: the whole file is refused with one message saying what to fix.</summary>
public sealed record SubmissionRejected(string SubmissionId, string Reason, string ReasonEn, IReadOnlyList<TemplateError> FileErrors, DateTimeOffset At);

public sealed record SubmissionFailed(string SubmissionId, string Reason, DateTimeOffset At);

/// <summary>A submission's receipt: what was sent, where it stands, its counts and timings.</summary>
public sealed record Submission(
    string Id,
    string Agency,
    string TemplateId,
    int TemplateVersion,
    string Period,
    SubmissionMode Mode,
    string FileName,
    string MediaType,
    string Sha256,
    long Size,
    bool IsUtf8,
    string StoredPath,
    string? IdempotencyKey,
    string By,
    SubmissionStatus Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? CompletedAt = null,
    string? Encoding = null,
    int Batches = 0,
    int RowsRead = 0,
    int RowsAccepted = 0,
    int RowsRejected = 0,
    long Warnings = 0,
    long ErrorCount = 0,
    int ErrorsListed = 0,
    int Revived = 0,
    string? Reason = null,
    string? ReasonEn = null)
{
    /// <summary>
    /// Received, validating or accepted: such a receipt answers a resend of the same file or idempotency key. A refused
    /// or failed one does not, so the fixed file, or the same one resent after a platform fault, is processed anew.
    /// </summary>
    public bool IsLive => Status is SubmissionStatus.Received or SubmissionStatus.Validating or SubmissionStatus.Accepted
        or SubmissionStatus.AcceptedWithErrors;

    /// <summary>
    /// <see cref="IsLive"/> as SQL over the document table's duplicated status column, for partial unique indexes. Written
    /// as comparisons joined by <c>or</c>, which PostgreSQL prints back the same but for parentheses and casts (which
    /// Marten ignores when it compares): an <c>in (...)</c> list comes back as <c>= ANY (ARRAY[...])</c>, so Marten read
    /// the stored indexes as different and rebuilt them at every migrate (<c>SchemaDriftTests</c>).
    /// </summary>
    public const string LivePredicate = "status = 'Received' or status = 'Validating' or status = 'Accepted' or status = 'AcceptedWithErrors'";

    /// <summary>More problems were found than the error report lists in full (the rest are counted by field and code).</summary>
    public bool ErrorReportTruncated => ErrorCount > ErrorsListed;

    public bool IsFinished => Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithErrors or SubmissionStatus.Rejected or SubmissionStatus.Failed;

    /// <summary>Every event of a submission's stream, for the store to register and its projection to subscribe to.</summary>
    public static readonly IReadOnlyList<Type> EventTypes =
    [
        typeof(SubmissionReceived), typeof(SubmissionValidationStarted), typeof(RowsChecked), typeof(SubmissionAccepted),
        typeof(SubmissionRejected), typeof(SubmissionFailed),
    ];

    /// <summary>The one fold of a submission's events, used by the store's projection and by the worker alike.</summary>
    public static Submission Fold(Submission? state, object e) => e switch
    {
        SubmissionReceived r => new Submission(r.SubmissionId, r.Agency, r.TemplateId, r.TemplateVersion, r.Period, r.Mode, r.FileName,
            r.MediaType, r.Sha256, r.Size, r.IsUtf8, r.StoredPath, r.IdempotencyKey, r.By, SubmissionStatus.Received, r.At),
        SubmissionValidationStarted s => state! with { Status = SubmissionStatus.Validating, StartedAt = s.At, Encoding = s.Encoding },
        RowsChecked c => state! with
        {
            Batches = c.Batch,
            RowsRead = c.LastRow - 1,
            RowsAccepted = state.RowsAccepted + c.Accepted,
            RowsRejected = state.RowsRejected + c.Rejected,
            Warnings = state.Warnings + c.Warnings,
            ErrorCount = state.ErrorCount + c.Problems,
            ErrorsListed = state.ErrorsListed + c.Listed,
            Revived = state.Revived + c.Revived,
        },
        SubmissionAccepted a => state! with
        {
            Status = a.RowsRejected > 0 ? SubmissionStatus.AcceptedWithErrors : SubmissionStatus.Accepted,
            CompletedAt = a.At,
            RowsRead = a.RowsRead,
            RowsAccepted = a.RowsAccepted,
            RowsRejected = a.RowsRejected,
        },
        SubmissionRejected r => state! with
        {
            Status = SubmissionStatus.Rejected, CompletedAt = r.At, Reason = r.Reason, ReasonEn = r.ReasonEn,
            ErrorCount = r.FileErrors.Count, ErrorsListed = r.FileErrors.Count, Warnings = 0,
        },
        SubmissionFailed f => state! with { Status = SubmissionStatus.Failed, CompletedAt = f.At, ReasonEn = f.Reason, Reason = f.Reason },
        _ => throw new ArgumentException($"{e.GetType().Name} is not a submission event.", nameof(e)),
    };
}
