using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Ingest.Records;

namespace Platform.Api.Taxpayers;

/// <summary>
/// The one-household file (一户式档案) of a taxpayer: everything the platform holds about one subject, across agencies
/// and periods, read through ingest's read layer (<see cref="IngestRecords.TaxpayerFileAsync"/>). Every read is audited
/// (<see cref="AuditTrail"/>) with the number of records read and the stated purpose, before anything is returned.
/// </summary>
public static class TaxpayerFile
{
    public const string Operation = "taxpayer.records";

    /// <summary>Reads the file and audits the read; throws (and returns nothing) when the audit cannot be written.</summary>
    public static async Task<IReadOnlyList<TaxpayerRecord>> ReadAsync(IngestRecords records, AuditTrail audit, AuditActor actor, string subject,
        string? purpose, CancellationToken ct)
    {
        var file = await records.TaxpayerFileAsync(subject, ct);
        await audit.RecordAsync(actor, Operation, [subject], file.Count, purpose, ct);
        return file;
    }

    public static void MapTaxpayerFile(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/taxpayers/{subject}/records", async (string subject, string? purpose, IngestRecords records, AuditTrail audit,
                HttpContext http, CancellationToken ct) => audit.CheckPurpose(purpose) is { } problem
                ? Results.ValidationProblem(new Dictionary<string, string[]> { ["purpose"] = [problem] })
                : Results.Ok(await ReadAsync(records, audit, AuditActor.From(http), subject, purpose, ct)))
            .RequireAnyRole(Roles.Analyst, Roles.Officer, Roles.Admin)
            .WithTags("Taxpayers")
            .WithSummary("The one-household file: every accepted record about a taxpayer, across agencies and periods; each read is " +
                         "audited, with the purpose stated in 'purpose' (at most Audit:MaxPurposeChars characters)")
            .Produces<List<TaxpayerRecord>>()
            .ProducesValidationProblem();
}
