using Platform.Api.Access;
using System.Globalization;
using System.Security.Claims;
using Marten;
using Microsoft.Net.Http.Headers;
using Platform.Api.Auth;
using Platform.Ingest;
using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Ingest.Storage;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;
using static OpenIddict.Abstractions.OpenIddictConstants;
using OpenIddict.Abstractions;

namespace Platform.Api.Submissions;

/// <summary>
/// An agency sends a file for one active template version and period. The body is the file itself (CSV, .xlsx or
/// JSON Lines) with the values in the query string, or multipart with the values as form fields. The file is
/// stored as received and the receipt returned at once (202); the worker checks it in the background.
/// </summary>
public static class SubmitFile
{
    public sealed record Values(string? Template, string? Version, string? Period, string? Mode)
    {
        public Dictionary<string, string[]> Problems(out int version, out Period period, out SubmissionMode mode)
        {
            var problems = new Dictionary<string, string[]>();
            version = 0;
            period = default;
            mode = SubmissionMode.New;
            if (string.IsNullOrWhiteSpace(Template))
            {
                problems["template"] = ["Name the template, such as template=business-registrations."];
            }
            if (!int.TryParse(Version, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1)
            {
                problems["version"] = ["Give the template version as a number, such as version=1."];
            }
            if (!Platform.Templates.Schema.Period.TryParse(Period, out period))
            {
                problems["period"] = [Platform.Templates.Schema.Period.Expected];
            }
            if (Mode is not null && !Enum.TryParse(Mode, ignoreCase: true, out mode) || Mode is not null && int.TryParse(Mode, out _))
            {
                problems["mode"] = ["Mode is one of new (the default), correct, void or replace."];
            }
            return problems;
        }
    }

    public static void MapSubmitFile(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/submissions", Handle)
            .RequireAccess(Operation.SubmitFiles)
            .DisableAntiforgery()
            .WithTags("Submissions")
            .WithSummary("Send a file for a template version and period; answers 202 with the receipt to poll")
            .WithDescription("Body: the file (text/csv, .xlsx, application/x-ndjson) with ?template=&version=&period=&mode= " +
                             "or multipart/form-data with those as fields and a file part. Optional header Idempotency-Key.")
            .Produces<Receipt>(StatusCodes.Status202Accepted)
            .Produces<Receipt>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    private static async Task<IResult> Handle(HttpContext http, IDocumentSession session, UploadStore uploads, IngestSignal signal,
        TimeProvider time, ClaimsPrincipal user, IngestOptions options)
    {
        var ct = http.RequestAborted;
        UploadLimits.LiftServerLimit(http);
        var id = Guid.CreateVersion7().ToString("N");
        var now = time.GetUtcNow();
        StoredUpload? upload = null;
        Values values;
        string fileName;
        string? declaredType;
        try
        {
            (upload, values, fileName, declaredType) = await ReceiveAsync(http, uploads, options, id, now, ct);
        }
        catch (UploadTooLargeException e)
        {
            return UploadLimits.TooLarge(e);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable request", detail: e.Message);
        }
        if (upload is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No file",
                detail: "Send the file as the request body, or as the 'file' part of a multipart form.");
        }

        var problems = values.Problems(out var version, out var period, out var mode);
        if (problems.Count > 0)
        {
            UploadStore.Discard(upload);
            return Results.ValidationProblem(problems, title: "Say what the file is for");
        }

        var agency = user.GetClaim(PlatformClaims.Agency) ?? "";
        var request = new SameRequest(agency, values.Template!, version, period.ToString(), mode, upload.Sha256,
            http.Request.Headers["Idempotency-Key"].FirstOrDefault());
        // Ownership first: a template that is not the caller's is refused before anything else is looked up, so no
        // agency learns of, or answers for, another's submissions.
        var template = await session.LoadAsync<Template>(request.Template, ct);
        var refusal = NotYours(template, request);
        if (refusal is null && await ExistingAsync(session, request, ct) is { } existing)
        {
            UploadStore.Discard(upload);
            return Answer(existing, request);
        }
        refusal ??= Refusal(template!, version, period, now);

        var mediaType = RowReaders.Sniff(declaredType, fileName, upload.FirstBytes);
        var received = new SubmissionReceived(id, agency, request.Template, version, request.Period, mode, fileName, mediaType, upload.Sha256,
            upload.Size, upload.IsUtf8, upload.StoredPath, request.IdempotencyKey, user.GetClaim(Claims.Subject) ?? "", now);
        session.Events.StartStream<Submission>(id, refusal is null
            ? [received]
            : [received, new SubmissionRejected(id, refusal.Value.Zh, refusal.Value.En, [], now)]);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (DatabaseFaults.IsUniqueViolation(e))
        {
            // The same request raced this one in and holds the slot now.
            UploadStore.Discard(upload);
            await using var fresh = session.DocumentStore.QuerySession();
            var first = await ExistingAsync(fresh, request, ct);
            if (first is null)
            {
                throw;
            }
            return Answer(first, request);
        }
        signal.Wake();
        var receipt = Receipt.From((await session.LoadAsync<Submission>(id, ct))!);
        return Results.Accepted($"/api/submissions/{id}", receipt);
    }

    /// <summary>What makes two sends the same request: who, for what, how, which bytes, and the idempotency key if any.</summary>
    private sealed record SameRequest(string Agency, string Template, int Version, string Period, SubmissionMode Mode, string Sha256,
        string? IdempotencyKey)
    {
        public bool Matches(Submission s) => s.Agency == Agency && s.TemplateId == Template && s.TemplateVersion == Version &&
                                             s.Period == Period && s.Mode == Mode && s.Sha256 == Sha256;
    }

    /// <summary>The first receipt of the same request, or 409 when its idempotency key was used for another request.</summary>
    private static IResult Answer(Submission existing, SameRequest request) => request.Matches(existing)
        ? Results.Ok(Receipt.From(existing))
        : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Idempotency key reused",
            detail: $"Idempotency-Key '{request.IdempotencyKey}' was used for submission {existing.Id} with another file, template, " +
                    "version, period or mode; use a new key for a new request.");

    /// <summary>
    /// The caller's own live receipt (<see cref="Submission.IsLive"/>) for the same idempotency key, or else for the same
    /// bytes, template, version, period and mode. Refused and failed receipts never answer for a resend.
    /// </summary>
    private static async Task<Submission?> ExistingAsync(IQuerySession session, SameRequest request, CancellationToken ct)
    {
        var live = session.Query<Submission>().Where(s => s.Agency == request.Agency &&
            (s.Status == SubmissionStatus.Received || s.Status == SubmissionStatus.Validating || s.Status == SubmissionStatus.Accepted ||
             s.Status == SubmissionStatus.AcceptedWithErrors));
        if (request.IdempotencyKey is { } key && await live.FirstOrDefaultAsync(s => s.IdempotencyKey == key, ct) is { } keyed)
        {
            return keyed;
        }
        return await live.FirstOrDefaultAsync(s => s.TemplateId == request.Template && s.TemplateVersion == request.Version &&
                                                   s.Period == request.Period && s.Mode == request.Mode && s.Sha256 == request.Sha256, ct);
    }

    private static (string Zh, string En)? NotYours(Template? template, SameRequest request) => template is null || template.Agency != request.Agency
        ? ($"模板“{request.Template}”不存在或不属于本单位（{request.Agency}）。请在 GET /api/templates 中查看本单位的模板。",
            $"There is no template '{request.Template}' for your agency ({request.Agency}); GET /api/templates lists yours.")
        : null;

    /// <summary>File-level refusals known before reading the file, besides ownership: the template version and the period.</summary>
    private static (string Zh, string En)? Refusal(Template template, int version, Period period, DateTimeOffset now)
    {
        var templateId = template.Id;
        var found = template.Version(version);
        if (found is null || !found.AcceptsSubmissions)
        {
            var active = template.Active?.Version;
            return ($"模板“{templateId}”第{version}版{(found is null ? "不存在" : "当前不接收报送")}；{(active is null ? "该模板目前没有生效版本。" : $"请按第{active}版报送。")}",
                $"Version {version} of '{templateId}' {(found is null ? "does not exist" : $"is {found.Status.ToString().ToLowerInvariant()} and accepts no submissions")}; " +
                (active is null ? "the template has no active version now." : $"send the file for version {active}."));
        }
        if (period > Period.Of(now))
        {
            return ($"所属期 {period} 尚未到来。", $"The period {period} has not begun yet.");
        }
        if (found.Schema.Schedule.Kind == ScheduleKind.Quarterly && !period.IsQuarterEnd)
        {
            return ($"该模板按季报送，所属期应为季末月份（03、06、09、12），而不是 {period}。",
                $"This template is quarterly: the period is the quarter's last month (03, 06, 09 or 12), not {period}.");
        }
        return null;
    }

    private static async Task<(StoredUpload? Upload, Values Values, string FileName, string? ContentType)> ReceiveAsync(
        HttpContext http, UploadStore uploads, IngestOptions options, string id, DateTimeOffset now, CancellationToken ct)
    {
        var request = http.Request;
        var query = request.Query;
        var fromQuery = new Values(query["template"], query["version"], query["period"], query["mode"]);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var name = query["fileName"].FirstOrDefault() ?? $"{id}.upload";
            return (await uploads.SaveAsync(request.Body, id, now, ct), fromQuery, name, request.ContentType);
        }

        var reader = Hosting.MultipartForms.Reader(contentType, request.Body, options.MaxFileBytes);
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        StoredUpload? upload = null;
        string fileName = $"{id}.upload";
        string? fileType = null;
        var parts = 0;
        while (await Hosting.MultipartForms.NextSectionAsync(reader, ct) is { } section)
        {
            if (++parts > options.MaxFormParts)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                    $"The form has more than {options.MaxFormParts} parts; send the file and the template, version, period and mode fields only.");
            }
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }
            if (disposition.IsFileDisposition() && upload is null)
            {
                fileName = disposition.FileNameStar.Value ?? disposition.FileName.Value ?? fileName;
                fileType = section.ContentType;
                upload = await uploads.SaveAsync(Hosting.MultipartForms.BodyOf(section), id, now, ct);
            }
            else if (disposition.IsFormDisposition())
            {
                var name = disposition.Name.Value ?? "";
                fields[name] = await FieldAsync(Hosting.MultipartForms.BodyOf(section), name, options.MaxFormFieldBytes, ct);
            }
        }
        var values = new Values(fields.GetValueOrDefault("template") ?? fromQuery.Template, fields.GetValueOrDefault("version") ?? fromQuery.Version,
            fields.GetValueOrDefault("period") ?? fromQuery.Period, fields.GetValueOrDefault("mode") ?? fromQuery.Mode);
        return (upload, values, fileName, fileType);
    }

    /// <summary>The next part of the form; a part whose headers are over the reader's limits is a bad request.</summary>
    /// <summary>A form field's text, read no further than <paramref name="maxBytes"/>.</summary>
    private static async Task<string> FieldAsync(Stream body, string name, int maxBytes, CancellationToken ct)
    {
        var bytes = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while (length < bytes.Length && (read = await body.ReadAsync(bytes.AsMemory(length), ct)) > 0)
        {
            length += read;
        }
        if (length > maxBytes)
        {
            var shown = name.Length <= 40 ? name : name[..40] + "…";
            throw new Microsoft.AspNetCore.Http.BadHttpRequestException($"The form field '{shown}' is longer than {maxBytes} bytes.");
        }
        return System.Text.Encoding.UTF8.GetString(bytes, 0, length);
    }
}
