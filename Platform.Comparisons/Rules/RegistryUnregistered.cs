namespace Platform.Comparisons.Rules;

/// <summary>Parameters of <see cref="RegistryUnregistered"/> (<c>Comparisons:Rules:registry-unregistered</c>).</summary>
public sealed record RegistryUnregisteredOptions
{
    /// <summary>Days after establishment before a missing tax registration is a lead.</summary>
    public int GraceDays { get; init; } = 30;
}

/// <summary>
/// 漏征漏管户: a business the market regulator registered (standing status 存续 or 在业, established more than
/// <c>graceDays</c> before <c>asOf</c>) with no standing tax registration, or one that is 注销. Period: the month of
/// establishment; amount at risk 0 (the outcome is "taxpayer registered"). Evidence: the BR record and the TR if any.
/// </summary>
public sealed class RegistryUnregistered(RegistryUnregisteredOptions options) : IComparisonRule
{
    public const string RuleId = "registry-unregistered";
    private const string Business = "business-registrations", Tax = "tax-registrations";

    public string Id => RuleId;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } = [Business, Tax];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of($"""
        with br as ({CandidateSql.Standing(context.TypedView(Business))}),
             tr as ({CandidateSql.Standing(context.TypedView(Tax))})
        select br.subject_key,
               date_trunc('month', br.established)::date,
               0,
               null::numeric,
               jsonb_build_object(
                 'records', jsonb_build_array({CandidateSql.Cite("br", Business)})
                            || case when tr.subject_key is null then '[]'::jsonb else jsonb_build_array({CandidateSql.Cite("tr", Tax)}) end,
                 'figures', jsonb_build_object('established', br.established, 'status', br.status, 'taxStatus', tr.status)),
               {CandidateSql.CountyOfUscc("br.subject_key", "tr.division", "br.address_division")}
          from br
          left join tr on tr.subject_key = br.subject_key
         where br.status in ('存续', '在业')
           and br.established + $2::integer < $1
           and (tr.subject_key is null or tr.status = '注销')
        """, options.GraceDays);
}
