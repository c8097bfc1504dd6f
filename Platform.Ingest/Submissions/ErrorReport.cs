using System.Runtime.CompilerServices;
using Npgsql;
using Platform.Templates.Validation;

namespace Platform.Ingest.Submissions;

/// <summary>One row-level problem as the error report lists it (frictionless-style code, row, field, value, message).</summary>
public sealed record ErrorLine(int? Row, string? Field, string Code, string Severity, string Message, string MessageEn, string? Value)
{
    public static ErrorLine From(TemplateError e) =>
        new(e.Row, e.Field, e.Code, e.Severity.ToString().ToLowerInvariant(), e.Message, e.MessageEn, e.Value);
}

/// <summary>How many problems of one code a field had in a submission, listed or not.</summary>
public sealed record ErrorCount(string? Field, string Code, string Severity, long Count);

/// <summary>
/// A submission's error report as kept: the first <c>Ingest:MaxErrorsKept</c> problems in full (<see cref="ListedAsync"/>)
/// and every problem counted by field and code (<see cref="CountsAsync"/>), like frictionless <c>limitErrors</c> and the
/// CRS status message. Whatever a file holds, the report is bounded in storage and read as a stream.
/// </summary>
public static class ErrorReport
{
    public static async Task<IReadOnlyList<ErrorCount>> CountsAsync(NpgsqlDataSource database, string submissionId, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            "select field, code, severity, count from platform.ingest_error_count where submission_id = $1 order by count desc, field, code");
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

    public static async IAsyncEnumerable<ErrorLine> ListedAsync(NpgsqlDataSource database, string submissionId, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            "select row_number, field, code, severity, message, message_en, value from platform.ingest_error where submission_id = $1 order by seq");
        command.Parameters.Add(new NpgsqlParameter { Value = submissionId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ErrorLine(reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
        }
    }
}

/// <summary>
/// The problems of one batch as they will be kept: every one counted by field, code and severity; the first ones, up to
/// the submission's limit, in full.
/// </summary>
public sealed class ErrorTally
{
    public Dictionary<(string Field, string Code, string Severity), int> Counts { get; } = [];

    public List<TemplateError> Listed { get; } = [];

    public int Total { get; private set; }

    public int Warnings { get; private set; }

    /// <summary>Counts <paramref name="error"/>, and lists it while fewer than <paramref name="listLimit"/> are listed.</summary>
    public void Add(TemplateError error, int listLimit)
    {
        var severity = error.Severity.ToString().ToLowerInvariant();
        var key = (error.Field ?? "", error.Code, severity);
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
        Total++;
        if (error.Severity == Templates.Schema.Severity.Warning)
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
