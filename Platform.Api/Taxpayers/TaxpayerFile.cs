using System.Security.Claims;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.Paging;
using Platform.Ingest.Records;
using Platform.Templates.Checks;

namespace Platform.Api.Taxpayers;

/// <summary>A page of the one-household file asked for: how many records and after which; or which argument is refused and why.</summary>
public sealed record TaxpayerFileAsk(int First, TaxpayerFileKey? After, string? RefusedArgument = null, string? Refusal = null, int? Held = null);

/// <summary>A page of the one-household file as a caller read it: its records, how many are held in all, and where it ends.</summary>
public sealed record TaxpayerRecordPage(IReadOnlyList<TaxpayerRecord> Records, int TotalCount, PageInfo PageInfo);

/// <summary>
/// The one-household file (一户式档案) of a taxpayer: everything the platform holds about one subject, across agencies
/// and periods, read through ingest's read layer (<see cref="IngestRecords.TaxpayerFileAsync"/>). Every read is audited
/// (<see cref="AuditTrail"/>) with the number of records read and the stated purpose before anything is returned; when
/// the audit cannot be written, nothing is. An officer sees who supplied a record only where the data set's policy names
/// the source (<c>Access:SourceNamedToOfficers</c>); elsewhere the supplier and its submission are masked, because a
/// taxpayer confronted with an agency's data turns on that agency (the source text's tobacco-bureau lesson). A caller
/// bound to a jurisdiction reads only taxpayers whose division (<see cref="SubjectDivision"/>) lies within it; any other
/// is answered as not found, like another agency's submission, and is not audited, like every refused read.
/// The file is read a page at a time (keyset on <see cref="TaxpayerFileKey"/>, <see cref="TaxpayerFileCursor"/>), each
/// page one audited read, so a taxpayer with millions of records costs a page's worth of memory.
/// </summary>
public static class TaxpayerFile
{
    /// <summary>The operation as the audit trail names it.</summary>
    public const string AuditOperation = "taxpayer.records";

    /// <summary>What a masked record says instead of the supplying agency.</summary>
    public const string ThirdParty = "third-party";

    /// <summary>
    /// The page asked for (<c>first</c>, default <c>Taxpayers:DefaultPageSize</c>, and <c>after</c>), or which argument is
    /// refused and why (REST's 400 under that name, GraphQL's INVALID error).
    /// </summary>
    public static TaxpayerFileAsk Ask(IServiceProvider services, string subject, int? first, string? after)
    {
        var options = services.GetRequiredService<TaxpayerOptions>();
        var bounds = new PageBounds(options.DefaultPageSize, options.MaxPageSize, $"{TaxpayerOptions.Section}:MaxPageSize", "records");
        var count = first ?? bounds.Default;
        if (bounds.RefuseFirst(count) is { } tooMany)
        {
            return new TaxpayerFileAsk(count, null, "first", tooMany);
        }
        if (after is null)
        {
            return new TaxpayerFileAsk(count, null);
        }
        return services.GetRequiredService<TaxpayerFileCursor>().Read(subject, after) is var (key, held)
            ? new TaxpayerFileAsk(count, key, Held: held)
            : new TaxpayerFileAsk(count, null, "after", PageBounds.RefuseCursor(after, TaxpayerFileCursor.Expected));
    }

    /// <summary>The longest subject key asked for: a credit code or an identity number is 18 characters.</summary>
    public const int MaxSubjectChars = 64;

    /// <summary>Why <paramref name="subject"/> is refused before anything is read, or null.</summary>
    public static string? RefuseSubject(string subject) => subject.Length is 0 or > MaxSubjectChars
        ? $"Give the taxpayer's subject key, such as an 18-character unified social credit code: 1 to {MaxSubjectChars} characters, not {subject.Length}."
        : null;

    /// <summary>
    /// Reads a page of the file for this caller and audits the read (the records returned: none when the caller asked for
    /// the count alone, <paramref name="returnsRecords"/> false); null when the taxpayer is outside the caller's
    /// jurisdiction. Throws (and returns nothing) when the audit cannot be written.
    /// </summary>
    public static async Task<TaxpayerRecordPage?> ReadAsync(IServiceProvider services, ClaimsPrincipal user, HttpContext? http,
        string subject, string? purpose, TaxpayerFileAsk ask, bool returnsRecords, CancellationToken ct)
    {
        if (await LoadAsync(services, user, subject, ask.First, ask.After, ask.Held, ct) is not { } file)
        {
            return null;
        }
        await services.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.From(user, http), AuditOperation, [subject],
            returnsRecords ? file.Records.Count : 0, purpose, ct);
        var endCursor = file.Last is { } last ? services.GetRequiredService<TaxpayerFileCursor>().Of(subject, last, file.Held) : null;
        return new TaxpayerRecordPage(file.Records, file.Held, new PageInfo(file.More, endCursor));
    }

    /// <summary>
    /// A page of the file as this caller may see it (suppliers masked for officers): the first <paramref name="first"/>
    /// records after <paramref name="after"/>, newest period first, not yet audited: the caller audits it before answering
    /// with it. Null when the taxpayer is outside the caller's jurisdiction.
    /// </summary>
    public static async Task<TaxpayerFileRead?> LoadAsync(IServiceProvider services, ClaimsPrincipal user, string subject, int first,
        TaxpayerFileKey? after, int? held, CancellationToken ct)
    {
        if (!AccessPolicy.AdmitsDivision(user, Operation.ReadTaxpayerFiles, SubjectDivision.FromKey(subject)))
        {
            return null;
        }
        var file = await services.GetRequiredService<IngestRecords>().TaxpayerFileAsync(subject, first, after, held, ct);
        if (AccessPolicy.ReachOf(user, Operation.ReadTaxpayerFiles) != Reach.JurisdictionSourceMasked)
        {
            return file;
        }
        var named = services.GetRequiredService<AccessOptions>().SourceNamedToOfficers;
        return file with { Records = [.. file.Records.Select(r => named.Contains(r.TemplateId) ? r : r with { Agency = ThirdParty, SubmissionId = "", Row = 0 })] };
    }

    /// <summary>What a caller is told of a taxpayer outside its jurisdiction (REST's 404 detail, GraphQL's NOT_FOUND error).</summary>
    public static string OutsideJurisdiction(string subject) => $"No taxpayer '{subject}' in your jurisdiction.";

    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, string? purpose, int? first, string? after, AuditTrail audit,
                HttpContext http, CancellationToken ct) =>
            {
                if (audit.CheckPurpose(purpose) is { } problem)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["purpose"] = [problem] });
                }
                if (RefuseSubject(subject) is { } refused)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["subject"] = [refused] });
                }
                var ask = Ask(http.RequestServices, subject, first, after);
                if (ask.Refusal is { } refusal)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { [ask.RefusedArgument!] = [refusal] });
                }
                return await ReadAsync(http.RequestServices, http.User, http, subject, purpose, ask, returnsRecords: true, ct) is { } page
                    ? Results.Ok(page)
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Taxpayer not found", detail: OutsideJurisdiction(subject));
            })
            .RequireAccess(Operation.ReadTaxpayerFiles)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods, newest period first, " +
                         "a page at a time ('first', default Taxpayers:DefaultPageSize, at most Taxpayers:MaxPageSize; 'after', the " +
                         "pageInfo.endCursor of the page before); each page read is audited, with the purpose stated in 'purpose' (at most " +
                         "Audit:MaxPurposeChars characters); officers see the supplier only where policy names it")
            .Produces<TaxpayerRecordPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
