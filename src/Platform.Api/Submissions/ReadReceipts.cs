using Platform.Api.Hosting;
using System.Security.Claims;
using Marten;
using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;

namespace Platform.Api.Submissions;

/// <summary>One row-level problem as the error report lists it (frictionless-style code, row, field, value, message).</summary>
public sealed record ErrorLine(int? Row, string? Field, string Code, string Severity, string Message, string MessageEn, string? Value);

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

        submissions.MapGet("/{id}", async (string id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
                await FindAsync(session, user, id, ct) is { } s ? Results.Ok(Receipt.From(s)) : NotFound(id))
            .WithSummary("A submission's receipt: status, counts, timings, template version, period and SHA-256")
            .Produces<Receipt>()
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

    private static IResult NotFound(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Submission not found",
        detail: $"There is no submission '{id}' that you may see.");
}
