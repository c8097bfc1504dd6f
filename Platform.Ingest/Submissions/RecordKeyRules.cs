using Platform.Ingest.Processing;
using Platform.Templates.Validation;

namespace Platform.Ingest.Submissions;

/// <summary>
/// What the record-key rules make of a batch's accepted rows: the rows kept (in file order), the keys of voided records
/// that new rows revive (the accept step puts them in place), and a row error for each row refused.
/// </summary>
public sealed record RecordKeyDecision(IReadOnlyList<RecordRow> Kept, IReadOnlySet<string> Revived, IReadOnlyList<TemplateError> Errors)
{
    /// <summary>Every row kept, none revived: what the rules decide when the template holds none of the keys.</summary>
    public static RecordKeyDecision KeepAll(IReadOnlyList<RecordRow> rows) => new(rows, new HashSet<string>(), []);
}

/// <summary>
/// The record-key rules of each mode (the OECD CRS model) against what the template holds now: a new record must not be
/// held yet (a voided one it revives); a correction or a void must name a held record (CRS error 80002 when it does not);
/// a replacement keeps every row, since the accept step voids what it does not repeat.
/// </summary>
public static class RecordKeyRules
{
    public const string ErrorCode = "record-key";

    /// <summary>
    /// Decides a batch's accepted <paramref name="rows"/> for the submission's <paramref name="mode"/>, given
    /// <paramref name="held"/>: the template's current records among the rows' keys, each with whether it is voided.
    /// </summary>
    public static RecordKeyDecision Decide(SubmissionMode mode, IReadOnlyList<RecordRow> rows, IReadOnlyDictionary<string, bool> held)
    {
        var kept = new List<RecordRow>(rows.Count);
        var revived = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<TemplateError>();
        foreach (var record in rows)
        {
            var isHeld = held.TryGetValue(record.Key, out var voided) && !voided;
            if (mode == SubmissionMode.New && voided)
            {
                revived.Add(record.Key);
            }
            var problem = mode switch
            {
                SubmissionMode.New when isHeld => (
                    $"第{record.Row}行的记录（{record.Key}）已报送过；如需更正请以 correct 方式报送。",
                    $"Row {record.Row}: record {record.Key} was sent before; send it with mode=correct to change it."),
                SubmissionMode.Correct or SubmissionMode.Void when !isHeld => (
                    $"第{record.Row}行要更正或作废的记录（{record.Key}）不存在。",
                    $"Row {record.Row}: there is no record {record.Key} to correct or void (CRS 80002)."),
                _ => default,
            };
            if (problem == default)
            {
                kept.Add(record);
            }
            else
            {
                errors.Add(new TemplateError(ErrorCode, record.Row, null, record.Key, problem.Item1, problem.Item2));
            }
        }
        return new RecordKeyDecision(kept, revived, errors);
    }
}
