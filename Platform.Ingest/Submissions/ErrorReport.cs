using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Ingest.Submissions;

/// <summary>One row-level problem as the error report lists it (frictionless-style code, row, field, value, message).</summary>
public sealed record ErrorLine(int? Row, string? Field, string Code, string Severity, string Message, string MessageEn, string? Value)
{
    public static ErrorLine From(TemplateError e) =>
        new(e.Row, e.Field, e.Code, TemplateError.NameOf(e.Severity), e.Message, e.MessageEn, e.Value);
}

/// <summary>How many problems of one code a field had in a submission, listed or not.</summary>
public sealed record ErrorCount(string? Field, string Code, string Severity, long Count);

/// <summary>
/// The problems of one batch as they will be kept: every one counted by field, code and severity; the first ones, up to
/// the submission's limit (<c>Ingest:MaxErrorsKept</c>), in full. Like frictionless <c>limitErrors</c> and the CRS status
/// message, the report is then bounded whatever a file holds; <see cref="Records.IngestRecords"/> reads it back.
/// </summary>
public sealed class ErrorTally
{
    /// <summary>Problems by field (empty when none), code and severity; counted for every problem, so kept allocation-free.</summary>
    public Dictionary<(string Field, string Code, Severity Severity), int> Counts { get; } = [];

    public List<TemplateError> Listed { get; } = [];

    public int Total { get; private set; }

    public int Warnings { get; private set; }

    /// <summary>Counts <paramref name="error"/>, and lists it while fewer than <paramref name="listLimit"/> are listed.</summary>
    public void Add(TemplateError error, int listLimit)
    {
        var key = (error.Field ?? "", error.Code, error.Severity);
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
        Total++;
        if (error.Severity == Severity.Warning)
        {
            Warnings++;
        }
        if (Listed.Count < listLimit)
        {
            Listed.Add(error);
        }
    }

    /// <summary>Keeps only the first <paramref name="count"/> listed problems (the rest stay counted).</summary>
    public void ListAtMost(int count)
    {
        if (Listed.Count > Math.Max(count, 0))
        {
            Listed.RemoveRange(Math.Max(count, 0), Listed.Count - Math.Max(count, 0));
        }
    }
}
