using System.Security.Claims;
using GraphQL;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;
using Platform.Api.Leads;
using Platform.Comparisons.Leads;
using Platform.Ingest.Records;

namespace Platform.Api.Taxpayers;

/// <summary>The records one agency sent for one template about a taxpayer, newest period first (masked officers see <c>third-party</c>).</summary>
public sealed record TaxpayerSource(string Agency, string TemplateId, IReadOnlyList<TaxpayerRecord> Records);

/// <summary>
/// A taxpayer's history across agencies (the one-household file grouped by supplier and template, at most
/// <c>Taxpayers:MaxHistoryRecords</c> records, the rest counted) as one caller read it, with the purpose it stated: its
/// leads are read a page at a time under the same purpose.
/// </summary>
public sealed record TaxpayerHistory(string Subject, IReadOnlyList<TaxpayerSource> Sources, int RecordsLeftOut, string? Purpose);

/// <summary>
/// GraphQL <c>taxpayer(subject:)</c> (issue 11): the one-household file (<see cref="TaxpayerFile.LoadAsync"/>: the same
/// access, jurisdiction check and masking) grouped by agency and template, audited as <c>taxpayer.history</c>, and the
/// taxpayer's leads in the caller's reach a page at a time, as <c>leads</c> pages them (<see cref="LeadPaging"/>),
/// each page audited as <c>taxpayer.leads</c>. A page of leads is read only once the file was admitted, and each audit
/// entry is written before what it records is returned.
/// </summary>
public sealed class TaxpayerHistoryQueryFields : IQueryFields
{
    /// <summary>The operation as the audit trail names it.</summary>
    public const string AuditOperation = "taxpayer.history";

    /// <summary>A page of a taxpayer's leads as the audit trail names it.</summary>
    public const string AuditLeads = "taxpayer.leads";

    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<TaxpayerHistoryGraphType>, TaxpayerHistory>("taxpayer")
            .Description("A taxpayer's history across agencies (the one-household file, 一户式档案, by supplier and template) with its leads in your " +
                         "reach a page at a time; the records and each page of leads are audited. Officers see the supplier only where policy " +
                         "names it; a taxpayer outside the caller's jurisdiction is a NOT_FOUND error.")
            .ReadsTaxpayer("history", (context, subject, purpose) =>
                ReadAsync(context.RequestServices!, context.User!, TaxpayerField.HttpOf(context), subject, purpose, context.Selects("sources"),
                    context.CancellationToken));

    /// <summary>
    /// The history as this caller may see it, audited with the records it returns (none when <c>sources</c> is not
    /// selected, <paramref name="returnsRecords"/> false); null outside the caller's jurisdiction (not audited, like every refused read).
    /// </summary>
    public static async Task<TaxpayerHistory?> ReadAsync(IServiceProvider services, ClaimsPrincipal user, HttpContext? http, string subject,
        string? purpose, bool returnsRecords, CancellationToken ct)
    {
        var max = services.GetRequiredService<TaxpayerOptions>().MaxHistoryRecords;
        if (await TaxpayerFile.LoadAsync(services, user, subject, max, after: null, held: null, ct) is not { } file)
        {
            return null;
        }
        await services.GetRequiredService<AuditTrail>().RecordAsync(AuditActor.From(user, http), AuditOperation, [subject],
            returnsRecords ? file.Records.Count : 0, purpose, ct);
        var sources = file.Records.GroupBy(r => (r.Agency, r.TemplateId))
            .OrderBy(g => g.Key.TemplateId, StringComparer.Ordinal).ThenBy(g => g.Key.Agency, StringComparer.Ordinal)
            .Select(g => new TaxpayerSource(g.Key.Agency, g.Key.TemplateId, [.. g]));
        return new TaxpayerHistory(subject, [.. sources], file.LeftOut, purpose);
    }

    /// <summary>A page of the taxpayer's leads in the caller's reach (none for a role without <c>ReadLeads</c>), audited with the history's purpose.</summary>
    public static async Task<LeadPage?> LeadsAsync(IResolveFieldContext<TaxpayerHistory> context)
    {
        var history = context.Source;
        if (AccessPolicy.ReachOf(context.User!, Operation.ReadLeads) == Reach.None)
        {
            return new LeadPage(0, [], false, null);
        }
        var services = context.RequestServices!;
        return await LeadPaging.ReadAsync(context, new LeadFilter(Subject: history.Subject), leads =>
            services.GetRequiredService<AuditTrail>().RecordAsync(
                AuditActor.From(context.User!, TaxpayerField.HttpOf(context)), AuditLeads, [history.Subject],
                leads.Count, history.Purpose, context.CancellationToken));
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
            .Description("The records by supplying agency and template, in template order; each source's records newest period first. At most " +
                         "Taxpayers:MaxHistoryRecords records, the newest periods; recordsLeftOut counts the rest (taxpayerRecords pages through them all).")
            .Resolve(c => c.Source.Sources);
        Field<NonNullGraphType<IntGraphType>>("recordsLeftOut")
            .Description("Records held about the taxpayer beyond Taxpayers:MaxHistoryRecords, the oldest periods, not in sources (0 when all are).")
            .Resolve(c => c.Source.RecordsLeftOut);
        Field<NonNullGraphType<LeadPageGraphType>, LeadPage>("leads")
            .Description("The taxpayer's leads in your reach, oldest first, a page at a time as leads pages them; each page is audited.")
            .PagesLeads()
            .ResolveAsync(TaxpayerHistoryQueryFields.LeadsAsync);
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
