using Platform.Ingest.Submissions;

namespace Platform.Api.Submissions;

/// <summary>
/// What an agency sees of its submission: where it stands, its counts and timings, and what to fix if refused.
/// <c>Problems</c> counts every problem found (warnings included); the error report lists the first <c>ProblemsListed</c>
/// in full and counts the rest by field and code (<c>ErrorReportTruncated</c>).
/// </summary>
public sealed record Receipt(
    string Id,
    SubmissionStatus Status,
    string Agency,
    string TemplateId,
    int TemplateVersion,
    string Period,
    SubmissionMode Mode,
    string FileName,
    string MediaType,
    string Sha256,
    long Size,
    string? Encoding,
    int RowsRead,
    int RowsAccepted,
    int RowsRejected,
    long Warnings,
    long Problems,
    int ProblemsListed,
    bool ErrorReportTruncated,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? ProcessingSeconds,
    string? Reason,
    string? ReasonEn,
    string ErrorsUrl)
{
    public static Receipt From(Submission s) => new(s.Id, s.Status, s.Agency, s.TemplateId, s.TemplateVersion, s.Period, s.Mode,
        s.FileName, s.MediaType, s.Sha256, s.Size, s.Encoding, s.RowsRead, s.RowsAccepted, s.RowsRejected, s.Warnings, s.ErrorCount, s.ErrorsListed, s.ErrorReportTruncated, s.ReceivedAt,
        s.StartedAt, s.CompletedAt, s.CompletedAt - (s.StartedAt ?? s.ReceivedAt) is { } d ? Math.Round(d.TotalSeconds, 3) : null,
        s.Reason, s.ReasonEn, $"/api/submissions/{s.Id}/errors");
}
