using Platform.Api.Access;
using System.Buffers;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Platform.Api.Audit;
using Platform.Ingest.Records;
using Platform.Api.Hosting;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;

namespace Platform.Api.Submissions;

/// <summary>
/// The error report as JSON: the totals, every problem counted by field and code, and the problems listed in full (the
/// first <c>Ingest:MaxErrorsKept</c>); <c>Truncated</c> says more were found than are listed.
/// </summary>
public sealed record ErrorReportDocument(string SubmissionId, long Problems, int Listed, bool Truncated, IReadOnlyList<ErrorCount> Counts,
    IReadOnlyList<ErrorLine> Errors);

/// <summary>Receipts and error reports. An agency reads its own submissions; the bureau's roles read all.</summary>
public static class ReadReceipts
{
    /// <summary>The submission, or null when it does not exist or the policy does not let the caller do <paramref name="operation"/> on it.</summary>
    public static async Task<Submission?> FindAsync(IQuerySession session, ClaimsPrincipal user, string id, Operation operation, CancellationToken ct)
    {
        var submission = await session.LoadAsync<Submission>(id, ct);
        return submission is not null && AccessPolicy.Admits(user, operation, submission.Agency) ? submission : null;
    }

    /// <summary>
    /// A read of a submission's cell values (its file or its error report): allowed by the policy, with a purpose where
    /// the policy asks for one, and audited before anything is sent: the submission, or why it may not be read.
    /// </summary>
    private static async Task<(Submission? Submission, IResult? Refusal)> ReadValuesAsync(HttpContext http, string id, string? purpose,
        Operation operation, string auditOperation, Func<Submission, long> rowsRead)
    {
        var user = http.User;
        var services = http.RequestServices;
        var ct = http.RequestAborted;
        var audit = services.GetRequiredService<AuditTrail>();
        var purposeProblem = audit.CheckPurpose(purpose) ??
                             (AccessPolicy.ReachOf(user, operation) == Reach.JurisdictionWithPurpose && string.IsNullOrWhiteSpace(purpose)
                                 ? "State why you read this submission's values (purpose=...); it is kept in the audit trail."
                                 : null);
        if (purposeProblem is not null)
        {
            return (null, Results.ValidationProblem(new Dictionary<string, string[]> { ["purpose"] = [purposeProblem] }));
        }
        var city = services.GetRequiredService<IOptions<PlatformOptions>>().Value.Division;
        if (AccessPolicy.ReachOf(user, operation) != Reach.OwnAgency && !AccessPolicy.CoversCity(user, city))
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "A whole file is beyond your jurisdiction",
                detail: $"A submission's file and error report hold taxpayers of every county; your jurisdiction is {AccessPolicy.JurisdictionOf(user)}. " +
                        "Read your taxpayers' records one taxpayer at a time (GET /api/taxpayers/{subject}/records), or ask the city bureau."));
        }
        if (await FindAsync(services.GetRequiredService<IQuerySession>(), user, id, operation, ct) is not { } submission)
        {
            return (null, NotFound(id));
        }
        await audit.RecordAsync(http, auditOperation, [submission.Id], rowsRead(submission), purpose, ct);
        return (submission, null);
    }

    public static void MapReadReceipts(this IEndpointRouteBuilder app)
    {
        var submissions = app.MapGroup("/api/submissions").WithTags("Submissions");

        submissions.MapGet("/", List)
            .RequireAccess(Operation.ReadReceipts)
            .WithSummary("Submissions as receipts, newest first (at most 'limit', default 50): an agency sees its own; filter by " +
                         "template, period (yyyy-MM) and status (received, validating, accepted, accepted-with-errors, rejected, failed)")
            .Produces<List<Receipt>>()
            .ProducesValidationProblem();

        submissions.MapGet("/{id}", async (string id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
                await FindAsync(session, user, id, Operation.ReadReceipts, ct) is { } s ? Results.Ok(Receipt.From(s)) : NotFound(id))
            .RequireAccess(Operation.ReadReceipts)
            .WithSummary("A submission's receipt: status, counts, timings, template version, period and SHA-256")
            .Produces<Receipt>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        submissions.MapGet("/{id}/file", Original)
            .RequireAccess(Operation.ReadRawFiles)
            .WithSummary("The file exactly as it was received, kept read-only for audit; its SHA-256 is in the Repr-Digest header. The " +
                         "agency's own; analysts state a purpose (?purpose=); every read is audited")
            .Produces<byte[]>(contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        submissions.MapGet("/{id}/errors", Errors)
            .RequireAccess(Operation.ReadErrorReports)
            .WithSummary("The error report: the first problems in full and every problem counted by field and code; JSON, or for Excel " +
                         "format=csv (CSV, formulas neutralised) or format=xlsx (a workbook, every cell text). The agency's own; analysts " +
                         "state a purpose (?purpose=); every read is audited")
            // One entry per status code is kept, so the three forms are listed together (the schema is the JSON one).
            .Produces<ErrorReportDocument>(StatusCodes.Status200OK, "application/json", "text/csv", Spreadsheets.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Errors(string id, string? format, string? purpose, HttpRequest request, IngestRecords records,
        IOptions<JsonOptions> jsonOptions, CancellationToken ct)
    {
        var (submission, refusal) = await ReadValuesAsync(request.HttpContext, id, purpose, Operation.ReadErrorReports, "submission.errors",
            s => s.ErrorsListed);
        if (submission is null)
        {
            return refusal!;
        }
        var counts = await records.ErrorCountsAsync(id, ct);
        var wants = (string? kind, string mediaType) => string.Equals(format, kind, StringComparison.OrdinalIgnoreCase) ||
                                                       request.Headers.Accept.Any(a => a?.Contains(mediaType, StringComparison.OrdinalIgnoreCase) == true);
        if (wants("xlsx", Spreadsheets.MediaType))
        {
            return Spreadsheets.Xlsx("错误 errors", ErrorTable(submission, counts, records), $"{submission.Id}-errors.xlsx");
        }
        if (wants("csv", "text/csv"))
        {
            return Results.Stream(async body =>
            {
                await body.WriteAsync(Encoding.UTF8.GetPreamble());
                await using var text = new StreamWriter(body, new UTF8Encoding(false), 16 * 1024);
                await foreach (var line in ErrorTable(submission, counts, records).WithCancellation(ct))
                {
                    await text.WriteAsync(CsvText.Line(line));
                }
            }, "text/csv; charset=utf-8", $"{submission.Id}-errors.csv");
        }
        return Results.Stream(async body =>
        {
            // The writer fills a buffer that goes to the response asynchronously (the server allows no synchronous writes).
            var options = jsonOptions.Value.SerializerOptions; // the API's own JSON settings, as every other response
            var buffer = new ArrayBufferWriter<byte>(32 * 1024);
            await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder });
            json.WriteStartObject();
            json.WriteString("submissionId", submission.Id);
            json.WriteNumber("problems", submission.ErrorCount);
            json.WriteNumber("listed", submission.ErrorsListed);
            json.WriteBoolean("truncated", submission.ErrorReportTruncated);
            json.WritePropertyName("counts");
            JsonSerializer.Serialize(json, counts, options);
            json.WriteStartArray("errors");
            await foreach (var line in records.ListedErrorsAsync(id, ct))
            {
                JsonSerializer.Serialize(json, line, options);
                if (buffer.WrittenCount > 16 * 1024)
                {
                    await body.WriteAsync(buffer.WrittenMemory, ct);
                    buffer.ResetWrittenCount();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(ct);
            await body.WriteAsync(buffer.WrittenMemory, ct);
        }, "application/json; charset=utf-8");
    }

    /// <summary>
    /// The error report as a table for Excel: a header, the listed problems, then, when the report is truncated, one line
    /// per field and code saying how many problems of that kind were found in all.
    /// </summary>
    private static async IAsyncEnumerable<IReadOnlyList<string?>> ErrorTable(Submission submission, IReadOnlyList<ErrorCount> counts,
        IngestRecords records)
    {
        yield return ["行号 row", "字段 field", "代码 code", "级别 severity", "说明", "message", "值 value"];
        await foreach (var line in records.ListedErrorsAsync(submission.Id, CancellationToken.None))
        {
            yield return [line.Row?.ToString(CultureInfo.InvariantCulture), line.Field, line.Code, line.Severity, line.Message, line.MessageEn, line.Value];
        }
        if (!submission.ErrorReportTruncated)
        {
            yield break;
        }
        yield return [null, null, "truncated", null,
            $"共发现 {submission.ErrorCount} 个问题，以上列出前 {submission.ErrorsListed} 个；以下为按字段和代码的合计。",
            $"{submission.ErrorCount} problems were found; the first {submission.ErrorsListed} are listed above, all of them are counted below by field and code.",
            null];
        foreach (var count in counts)
        {
            yield return [null, count.Field, count.Code, count.Severity, $"共 {count.Count} 个", $"{count.Count} in all", null];
        }
    }

    private static async Task<IResult> Original(string id, string? purpose, Platform.Ingest.Storage.UploadStore uploads, HttpContext http)
    {
        var (submission, refusal) = await ReadValuesAsync(http, id, purpose, Operation.ReadRawFiles, "submission.file", s => s.RowsRead);
        if (submission is null)
        {
            return refusal!;
        }
        var response = http.Response;
        response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(submission.Sha256))}:";
        return Results.Stream(File.OpenRead(uploads.Resolve(submission.StoredPath)), submission.MediaType, submission.FileName);
    }

    private static async Task<IResult> List(string? template, string? period, string? status, int? limit, IQuerySession session,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var statuses = Enum.GetValues<SubmissionStatus>().ToDictionary(s => JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString()));
        var problems = new Dictionary<string, string[]>();
        if (status is not null && !statuses.ContainsKey(status))
        {
            problems["status"] = [$"Use one of: {string.Join(", ", statuses.Keys)}."];
        }
        if (period is not null && !Period.TryParse(period, out _))
        {
            problems["period"] = [Period.Expected];
        }
        if (problems.Count > 0)
        {
            return Results.ValidationProblem(problems);
        }
        IQueryable<Submission> query = session.Query<Submission>();
        if (AccessPolicy.ConfinedTo(user, Operation.ReadReceipts) is { } agency)
        {
            query = query.Where(s => s.Agency == agency);
        }
        if (template is not null)
        {
            query = query.Where(s => s.TemplateId == template);
        }
        if (period is not null)
        {
            query = query.Where(s => s.Period == period);
        }
        if (status is not null)
        {
            var wanted = statuses[status];
            query = query.Where(s => s.Status == wanted);
        }
        var found = await query.OrderByDescending(s => s.ReceivedAt).Take(Math.Clamp(limit ?? 50, 1, 500)).ToListAsync(ct);
        return Results.Ok(found.Select(Receipt.From).ToList());
    }

    private static IResult NotFound(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Submission not found",
        detail: $"There is no submission '{id}' that you may see.");
}
