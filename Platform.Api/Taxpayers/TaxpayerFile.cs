using System.Security.Claims;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Ingest.Records;
using Platform.Templates.Checks;

namespace Platform.Api.Taxpayers;

/// <summary>
/// The one-household file (一户式档案) of a taxpayer: everything the platform holds about one subject, across agencies
/// and periods, read through ingest's read layer (<see cref="IngestRecords.TaxpayerFileAsync"/>). Every read is audited
/// (<see cref="AuditTrail"/>) with the number of records read and the stated purpose before anything is returned; when
/// the audit cannot be written, nothing is. An officer sees who supplied a record only where the data set's policy names
/// the source (<c>Access:SourceNamedToOfficers</c>); elsewhere the supplier and its submission are masked, because a
/// taxpayer confronted with an agency's data turns on that agency (the source text's tobacco-bureau lesson). A caller
/// bound to a jurisdiction reads only taxpayers whose division (<see cref="SubjectDivision"/>) lies within it; any other
/// is answered as not found, like another agency's submission, and is not audited, like every refused read.
/// </summary>
public static class TaxpayerFile
{
    /// <summary>The operation as the audit trail names it.</summary>
    public const string AuditOperation = "taxpayer.records";

    /// <summary>What a masked record says instead of the supplying agency.</summary>
    public const string ThirdParty = "third-party";

    /// <summary>
    /// Reads the file for this caller and audits the read; null when the taxpayer is outside the caller's jurisdiction.
    /// Throws (and returns nothing) when the audit cannot be written.
    /// </summary>
    public static async Task<IReadOnlyList<TaxpayerRecord>?> ReadAsync(IServiceProvider services, ClaimsPrincipal user, HttpContext? http,
        string subject, string? purpose, CancellationToken ct)
    {
        // A plain list, so nothing could say what a bound left out: this file is not bounded yet (Platform.Comparisons/PLAN.md, Left).
        if (await LoadAsync(services, user, subject, int.MaxValue, ct) is not { } file)
        {
            return null;
        }
        await services.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.From(user, http), AuditOperation, [subject], file.Records.Count, purpose, ct);
        return file.Records;
    }

    /// <summary>
    /// The file as this caller may see it (suppliers masked for officers), at most <paramref name="max"/> records, newest
    /// period first, not yet audited: the caller audits it before answering with it. Null when the taxpayer is outside
    /// the caller's jurisdiction.
    /// </summary>
    public static async Task<TaxpayerFileRead?> LoadAsync(IServiceProvider services, ClaimsPrincipal user, string subject, int max, CancellationToken ct)
    {
        if (!AccessPolicy.AdmitsDivision(user, Operation.ReadTaxpayerFiles, SubjectDivision.FromKey(subject)))
        {
            return null;
        }
        var file = await services.GetRequiredService<IngestRecords>().TaxpayerFileAsync(subject, max, ct);
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
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, string? purpose, AuditTrail audit, HttpContext http,
                CancellationToken ct) => audit.CheckPurpose(purpose) is { } problem
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["purpose"] = [problem] })
                : await ReadAsync(http.RequestServices, http.User, http, subject, purpose, ct) is { } file
                    ? Results.Ok(file)
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Taxpayer not found", detail: OutsideJurisdiction(subject)))
            .RequireAccess(Operation.ReadTaxpayerFiles)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods; each read is " +
                         "audited, with the purpose stated in 'purpose' (at most Audit:MaxPurposeChars characters); officers see the " +
                         "supplier only where policy names it")
            .Produces<List<TaxpayerRecord>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
