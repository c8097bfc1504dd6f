using System.Text.Json;
using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>Parameters of <see cref="IndustryBurden"/> (<c>Comparisons:Rules:industry-burden</c>).</summary>
public sealed record IndustryBurdenOptions
{
    /// <summary>The warning floor of tax paid / revenue per GB/T 4754 division (two digits); industries not listed are not checked.</summary>
    public Dictionary<string, decimal> Floors { get; init; } = new() { ["52"] = 0.01m, ["51"] = 0.008m, ["47"] = 0.02m, ["70"] = 0.03m, ["61"] = 0.015m };

    /// <summary>A year's revenue below this is not checked (too small for a burden to mean much).</summary>
    public decimal MinRevenue { get; init; } = 1_000_000m;
}

/// <summary>
/// 行业税负预警: per subject and calendar year, tax paid (VAT + consumption tax) over revenue from the year's declarations,
/// against the floor of the industry the standing business registration names. Period: the year's December (the year);
/// amount at risk: what the floor would have paid on the revenue less what was paid. Evidence: the year's declarations
/// and the registration.
/// </summary>
public sealed class IndustryBurden(IndustryBurdenOptions options) : IComparisonRule
{
    public const string RuleId = "industry-burden";

    public string Id => RuleId;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } =
        [CandidateSql.Templates.VatDeclarations, CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of($"""
        {Registrations(context)},
             year as (select v.subject_key, extract(year from v.period)::integer as year, sum(v.revenue) as revenue,
                             sum(v.vat_paid + coalesce(v.consumption_tax_paid, 0)) as tax, {CiteAll("v", Templates[0])} as records
                        from {context.TypedView(Templates[0])} v
                       where v.period <= $1
                       group by 1, 2)
        select y.subject_key, make_date(y.year, 12, 1), round(f.floor * y.revenue - y.tax, 2), y.revenue,
               jsonb_build_object(
                 'records', y.records || jsonb_build_array({Cite("br", Templates[1])}),
                 'figures', jsonb_build_object('industry', br.industry, 'floor', f.floor, 'revenue', y.revenue, 'tax', y.tax,
                                               'burden', round(y.tax / y.revenue, 6))),
               {County("p", "y.subject_key")}
          from year y
          join br on br.subject_key = y.subject_key
          left join place p on p.subject_key = y.subject_key
          cross join lateral (select ($2::jsonb ->> substring(br.industry from '^[A-T]?([0-9][0-9])'))::numeric as floor) f
         where f.floor is not null
           and y.revenue >= $3
           and y.tax < f.floor * y.revenue
        """, JsonSerializer.Serialize(options.Floors), options.MinRevenue);
}
