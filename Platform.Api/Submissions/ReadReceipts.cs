using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Marten;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Api.Submissions;

/// <summary>One row-level problem as the error report lists it (frictionless-style code, row, field, value, message).</summary>
public sealed record ErrorLine(int? Row, string? Field, string Code, string Severity, string Message, string MessageEn, string? Value)
{
    public static ErrorLine From(TemplateError e) =>
        new(e.Row, e.Field, e.Code, e.Severity.ToString().ToLowerInvariant(), e.Message, e.MessageEn, e.Value);
}

/// <summary>Receipts and error reports. An agency reads its own submissions; the bureau's roles read all.</summary>
public static class ReadReceipts
{
    public static async Task<Submission?> FindAsync(IQuerySession session, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var submission = await session.LoadAsync<Submission>(id, ct);
        var agency = user.ConfinedToAgency();
        return submission is not null && (agency is null || agency == submission.Agency) ? submission : null;
    }

    public static void MapReadReceipts(this IEndpointRouteBuilder app)
    {
        var submissions = app.MapGroup("/api/submissions").WithTags("Submissions");

        submissions.MapGet("/", List)
            .WithSummary("Submissions as receipts, newest first (at most 'limit', default 50): an agency sees its own; filter by " +
                         "template, period (yyyy-MM) and status (received, validating, accepted, accepted-with-errors, rejected, failed)")
            .Produces<List<Receipt>>()
            .ProducesValidationProblem();

        submissions.MapGet("/{id}", async (string id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
                await FindAsync(session, user, id, ct) is { } s ? Results.Ok(Receipt.From(s)) : NotFound(id))
            .WithSummary("A submission's receipt: status, counts, timings, template version, period and SHA-256")
            .Produces<Receipt>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        submissions.MapGet("/{id}/file", Original)
            .WithSummary("The file exactly as it was received, kept read-only for audit; its SHA-256 is in the Repr-Digest header")
            .Produces<byte[]>(contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        submissions.MapGet("/{id}/errors", Errors)
            .WithSummary("The row-level error report: JSON, or for Excel format=csv (CSV, formulas neutralised) or format=xlsx (a workbook, every cell text)")
            // One entry per status code is kept, so the three forms are listed together (the schema is the JSON one).
            .Produces<List<ErrorLine>>(StatusCodes.Status200OK, "application/json", "text/csv", Spreadsheets.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Errors(string id, string? format, HttpRequest request, IQuerySession session, NpgsqlDataSource dataSource,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindAsync(session, user, id, ct) is not { } submission)
        {
            return NotFound(id);
        }
        var lines = new List<ErrorLine>();
        await using (var command = dataSource.CreateCommand(
                         "select row_number, field, code, severity, message, message_en, value from platform.ingest_error where submission_id = $1 order by seq"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add(new ErrorLine(reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }
        var wants = (string? kind, string mediaType) => string.Equals(format, kind, StringComparison.OrdinalIgnoreCase) ||
                                                       request.Headers.Accept.Any(a => a?.Contains(mediaType, StringComparison.OrdinalIgnoreCase) == true);
        IReadOnlyList<string?>[] table =
        [
            ["行号 row", "字段 field", "代码 code", "级别 severity", "说明", "message", "值 value"],
            .. lines.Select(line => new[]
            {
                line.Row?.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Field, line.Code, line.Severity, line.Message,
                line.MessageEn, line.Value,
            }),
        ];
        if (wants("xlsx", Spreadsheets.MediaType))
        {
            return Spreadsheets.Xlsx("错误 errors", table, $"{submission.Id}-errors.xlsx");
        }
        if (!wants("csv", "text/csv"))
        {
            return Results.Ok(lines);
        }
        return Results.File(CsvText.Utf8WithBom(string.Concat(table.Select(CsvText.Line))), "text/csv; charset=utf-8", $"{submission.Id}-errors.csv");
    }

    private static async Task<IResult> Original(string id, IQuerySession session, Platform.Ingest.Storage.UploadStore uploads, ClaimsPrincipal user, HttpResponse response, CancellationToken ct)
    {
        if (await FindAsync(session, user, id, ct) is not { } submission)
        {
            return NotFound(id);
        }
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
        if (period is not null && !DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            problems["period"] = ["Give the period as year and month, such as 2024-03."];
        }
        if (problems.Count > 0)
        {
            return Results.ValidationProblem(problems);
        }
        IQueryable<Submission> query = session.Query<Submission>();
        if (user.ConfinedToAgency() is { } agency)
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
