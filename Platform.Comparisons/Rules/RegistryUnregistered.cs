using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>Parameters of the three registry rules (<c>Comparisons:Rules:&lt;id&gt;</c>).</summary>
public sealed record RegistryOptions
{
    /// <summary>Days a registration, change or deregistration at the regulator is given to reach the bureau.</summary>
    public int GraceDays { get; init; } = 30;
}

/// <summary>What the three registry rules share: their parameters and the two registrations they compare.</summary>
public abstract class RegistryRule(string id, RegistryOptions options) : IComparisonRule
{
    public string Id => id;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } = [CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations];

    /// <summary>The grace period as the query's <c>$2</c>.</summary>
    protected CandidateQuery Query(string select) => CandidateQuery.Of(select, options.GraceDays);

    public abstract CandidateQuery Candidates(RuleContext context);
}

/// <summary>
/// 漏征漏管户: a business the market regulator registered (standing status 存续 or 在业, established more than
/// <c>graceDays</c> before <c>asOf</c>) with no standing tax registration, or one that is 注销. Period: the month of
/// establishment; amount at risk 0 (the outcome is "taxpayer registered"). Evidence: the BR record and the TR if any.
/// The county is <c>place</c>'s (the standing TR's division, else the BR's) from the two records already joined: joining
/// <c>place</c> built it for every registered subject first (a full join of both registers) for the 0.5% that are leads,
/// and, each standing register read twice, kept them whole (every column) in materialised CTEs; read once, the planner
/// inlines them and sorts only the columns used (ops/bench compare, bench/RESULTS.md).
/// </summary>
public sealed class RegistryUnregistered(RegistryOptions options) : RegistryRule(RuleId, options)
{
    public const string RuleId = "registry-unregistered";

    public override CandidateQuery Candidates(RuleContext context) => Query($"""
        with br as ({context.Standing(Templates[0])}),
             tr as ({context.Standing(Templates[1])})
        select br.subject_key, date_trunc('month', br.established)::date, 0, null::numeric,
               jsonb_build_object(
                 'records', jsonb_build_array({Cite("br", Templates[0])}) || {CiteIfAny("tr", Templates[1])},
                 'figures', jsonb_build_object('established', br.established, 'status', br.status, 'taxStatus', tr.status)),
               {CountyOfUscc("br.subject_key", "tr.division", "br.address_division")}
          from br
          left join tr on tr.subject_key = br.subject_key
         where br.status in ('存续', '在业')
           and br.established + $2::integer < $1
           and (tr.subject_key is null or tr.status = '注销')
        """);
}
