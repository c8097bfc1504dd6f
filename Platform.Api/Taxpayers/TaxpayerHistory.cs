using System.Security.Claims;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;
using Platform.Api.Leads;
using Platform.Comparisons;
using Platform.Comparisons.Leads;
using Platform.Ingest.Records;

namespace Platform.Api.Taxpayers;

/// <summary>The records one agency sent for one template about a taxpayer, newest period first (masked officers see <c>third-party</c>).</summary>
public sealed record TaxpayerSource(string Agency, string TemplateId, IReadOnlyList<TaxpayerRecord> Records);

/// <summary>A taxpayer's history across agencies (the one-household file grouped by supplier and template) with its leads.</summary>
public sealed record TaxpayerHistory(string Subject, IReadOnlyList<TaxpayerSource> Sources, LeadPage Leads);

/// <summary>
/// GraphQL <c>taxpayer(subject:)</c> (issue 11): the one-household file (<see cref="TaxpayerFile.LoadAsync"/>: the same
/// access, jurisdiction check and masking) grouped by agency and template, with the taxpayer's leads in the caller's
/// reach through the leads' read layer (<see cref="LeadReader"/>, suppliers masked for officers as in <c>leads</c>).
/// One audit entry holds the records and leads returned, written before anything is returned.
/// </summary>
public sealed class TaxpayerHistoryQueryFields : IQueryFields
{
    /// <summary>The operation as the audit trail names it.</summary>
    public const string AuditOperation = "taxpayer.history";

    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<TaxpayerHistoryGraphType>, TaxpayerHistory>("taxpayer")
            .Description("A taxpayer's history across agencies (the one-household file, 一户式档案, by supplier and template) with its leads in your " +
                         "reach; audited as one read. Officers see the supplier only where policy names it; a taxpayer outside the caller's " +
                         "jurisdiction is a NOT_FOUND error.")
            .ReadsTaxpayer("history", ReadAsync);

    /// <summary>The history as this caller may see it, audited; null outside the caller's jurisdiction (not audited, like every refused read).</summary>
    public static async Task<TaxpayerHistory?> ReadAsync(IServiceProvider services, ClaimsPrincipal user, HttpContext? http, string subject,
        string? purpose, CancellationToken ct)
    {
        if (await TaxpayerFile.LoadAsync(services, user, subject, ct) is not { } file)
        {
            return null;
        }
        var leads = AccessPolicy.ReachOf(user, Operation.ReadLeads) == Reach.None
            ? new LeadPage(0, [], false, null)
            : await services.GetRequiredService<LeadReader>().PageAsync(new LeadFilter(Subject: subject), LeadReader.Reach.Of(LeadCaller.ActorOf(user)),
                services.GetRequiredService<ComparisonOptions>().MaxPageSize, null, ct);
        await services.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.From(user, http), AuditOperation, [subject],
            file.Count + leads.Nodes.Count, purpose, ct);
        var sources = file.GroupBy(r => (r.Agency, r.TemplateId))
            .OrderBy(g => g.Key.TemplateId, StringComparer.Ordinal).ThenBy(g => g.Key.Agency, StringComparer.Ordinal)
            .Select(g => new TaxpayerSource(g.Key.Agency, g.Key.TemplateId, [.. g]));
        return new TaxpayerHistory(subject, [.. sources],
            leads with { Nodes = [.. leads.Nodes.Select(l => LeadCaller.AsSeenBy(l, user, services))] });
    }
}

public sealed class TaxpayerHistoryGraphType : ObjectGraphType<TaxpayerHistory>
{
    public TaxpayerHistoryGraphType()
    {
        Name = "Taxpayer";
        Description = "A taxpayer's history across agencies with its leads.";
        Field(t => t.Subject).Description("The taxpayer's subject key.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaxpayerSourceGraphType>>>>("sources")
            .Description("The records by supplying agency and template, in template order; each source's records newest period first.")
            .Resolve(c => c.Source.Sources);
        Field<NonNullGraphType<LeadPageGraphType>>("leads")
            .Description("The taxpayer's leads in your reach, oldest first (at most Comparisons:MaxPageSize; totalCount counts all).")
            .Resolve(c => c.Source.Leads);
    }
}

public sealed class TaxpayerSourceGraphType : ObjectGraphType<TaxpayerSource>
{
    public TaxpayerSourceGraphType()
    {
        Name = "TaxpayerSource";
        Field(s => s.Agency).Description("The supplying agency, or third-party where policy masks it.");
        Field(s => s.TemplateId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaxpayerRecordGraphType>>>>("records").Resolve(c => c.Source.Records);
    }
}
