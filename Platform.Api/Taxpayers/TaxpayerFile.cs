using System.Security.Claims;
using Marten;
using Platform.Ingest.Records;
using Platform.Api.Auth;

namespace Platform.Api.Taxpayers;

/// <summary>
/// The one-household file (一户式档案) of a taxpayer: everything the platform holds about one subject, across agencies
/// and periods, read through ingest's read layer (<see cref="IngestRecords.TaxpayerFileAsync"/>); every read audited.
/// </summary>
public static class TaxpayerFile
{
    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, IngestRecords records, IDocumentStore store,
                ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
            {
                await AccessAudit.RecordAsync(store, user, time, subject, "records", ct);
                return Results.Ok(await records.TaxpayerFileAsync(subject, ct));
            })
            .RequireAnyRole(Roles.Analyst, Roles.Officer, Roles.Admin)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods (access is audited)")
            .Produces<List<TaxpayerRecord>>();
}
