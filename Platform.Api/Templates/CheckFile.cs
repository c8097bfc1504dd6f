using Platform.Api.Submissions;
using Platform.Ingest.Submissions;
using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Ingest.Storage;
using Platform.Templates.Validation;

namespace Platform.Api.Templates;

/// <summary>What a file would get if it were sent now: header problems, and the row-level report (the first 1,000 problems).</summary>
public sealed record CheckReport(bool HeaderAccepted, int RowsRead, int RowsValid, int Problems, bool Truncated, IReadOnlyList<ErrorLine> Lines);

/// <summary>
/// A clerk checks a file against a template version before sending it: the same readers and validator as ingest, but
/// nothing is kept and no receipt is made. Checks that need the records already held (a key sent before, a
/// correction of an unknown key) and the period are left to the real submission.
/// </summary>
public static class CheckFile
{
    private const int MaxLines = 1000;

    public static void MapCheckFile(this RouteGroupBuilder version) =>
        version.MapPost("/check", Handle)
            .DisableAntiforgery()
            .WithSummary("Check a file against this version without sending it (body: the file, as for a submission); nothing is kept")
            .Produces<CheckReport>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> Handle(string id, int version, HttpRequest request, [AsParameters] TemplateReader reader,
        UploadStore uploads, IngestOptions options, TimeProvider time)
    {
        if (await ReadTemplates.FindAsync(reader.Session, reader.User, id, reader.Cancellation) is not { } template ||
            template.Version(version) is not { } found)
        {
            return ReadTemplates.NotFound(id, version);
        }
        UploadLimits.LiftServerLimit(request.HttpContext);
        StoredUpload upload;
        try
        {
            upload = await uploads.SaveAsync(request.Body, "check-" + Guid.NewGuid().ToString("N"), time.GetUtcNow(), reader.Cancellation);
        }
        catch (UploadTooLargeException e)
        {
            return UploadLimits.TooLarge(e);
        }
        try
        {
            var mediaType = RowReaders.Sniff(request.ContentType, "", upload.FirstBytes);
            using var rows = RowReaders.Open(upload.Path, mediaType, upload.IsUtf8, options);
            var validation = CompiledTemplate.Compile(found.Schema).Begin(rows.Header);
            if (!validation.HeaderAccepted)
            {
                return Results.Ok(new CheckReport(false, 0, 0, validation.HeaderErrors.Count, false, [.. validation.HeaderErrors.Select(ErrorLine.From)]));
            }
            var values = new Cell[found.Schema.Fields.Count];
            var errors = new List<TemplateError>();
            var lines = new List<ErrorLine>();
            var (read, valid, problems) = (0, 0, 0);
            while (rows.Read())
            {
                read++;
                errors.Clear();
                if (validation.ValidateRow(read + 1, rows.Row, values, errors))
                {
                    valid++;
                }
                problems += errors.Count;
                lines.AddRange(errors.Take(MaxLines - lines.Count).Select(ErrorLine.From));
            }
            return Results.Ok(new CheckReport(true, read, valid, problems, problems > lines.Count, lines));
        }
        catch (FileProblemException problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The file cannot be read",
                detail: $"{problem.Message} {problem.MessageZh}");
        }
        finally
        {
            UploadStore.Discard(upload);
        }
    }
}
