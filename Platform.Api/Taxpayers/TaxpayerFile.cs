using System.Security.Claims;
using Marten;
using Platform.Api.Access;
using Platform.Ingest.Records;

namespace Platform.Api.Taxpayers;

/// <summary>
/// The one-household file (一户式档案) of a taxpayer: everything the platform holds about one subject, across agencies
/// and periods, read through ingest's read layer (<see cref="IngestRecords.TaxpayerFileAsync"/>). Every read is
/// audited before anything is returned. An officer sees who supplied a record only where the data set's policy names
/// the source (<c>Access:SourceNamedToOfficers</c>); elsewhere the supplier and its submission are masked, because a
/// taxpayer confronted with an agency's data turns on that agency (the source text's tobacco-bureau lesson).
/// </summary>
public static class TaxpayerFile
{
    /// <summary>What a masked record says instead of the supplying agency.</summary>
    public const string ThirdParty = "third-party";

    public static async Task<IReadOnlyList<TaxpayerRecord>> ReadAsync(IServiceProvider services, ClaimsPrincipal user, string subject,
        CancellationToken ct)
    {
        await AccessAudit.RecordAsync(services.GetRequiredService<IDocumentStore>(), user, services.GetRequiredService<TimeProvider>(), subject,
            "records", ct);
        var records = await services.GetRequiredService<IngestRecords>().TaxpayerFileAsync(subject, ct);
        if (AccessPolicy.ReachOf(user, Operation.ReadTaxpayerFiles) != Reach.JurisdictionSourceMasked)
        {
            return records;
        }
        var named = services.GetRequiredService<AccessOptions>().SourceNamedToOfficers;
        return [.. records.Select(r => named.Contains(r.TemplateId) ? r : r with { Agency = ThirdParty, SubmissionId = "", Row = 0 })];
    }

    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, HttpContext http, ClaimsPrincipal user, CancellationToken ct) =>
                Results.Ok(await ReadAsync(http.RequestServices, user, subject, ct)))
            .RequireAccess(Operation.ReadTaxpayerFiles)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods (access is audited; " +
                         "officers see the supplier only where policy names it)")
            .Produces<List<TaxpayerRecord>>();
}
