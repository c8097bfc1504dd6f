using System.Text.Json;
using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>Parameters of <see cref="SurchargeShortfall"/> (<c>Comparisons:Rules:surcharge-shortfall</c>).</summary>
public sealed record SurchargeShortfallOptions
{
    /// <summary>City maintenance and construction tax rate by the taxpayer's location class.</summary>
    public Dictionary<string, decimal> Urban { get; init; } = new() { ["市区"] = 0.07m, ["县城镇"] = 0.05m, ["其他"] = 0.01m };

    public decimal Education { get; init; } = 0.03m;

    public decimal LocalEducation { get; init; } = 0.02m;

    /// <summary>Yuan a surcharge may fall short by before it is a lead.</summary>
    public decimal Tolerance { get; init; } = 1.00m;

    /// <summary>The location class assumed without a surcharge record: the lowest rate, so a shortfall is never overstated.</summary>
    public string DefaultLocation { get; init; } = "其他";
}

/// <summary>
/// 税种比对: surcharges due on the VAT and consumption tax paid for a period (city maintenance tax by location class,
/// education surcharge, local education surcharge) against those collected; a lead when any falls short by more than
/// the tolerance, for the sum of the shortfalls. Evidence: the VAT and surcharge records, due / collected / short each.
/// </summary>
public sealed class SurchargeShortfall(SurchargeShortfallOptions options) : IComparisonRule
{
    public const string RuleId = "surcharge-shortfall";

    public string Id => RuleId;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } = [CandidateSql.Templates.VatDeclarations, CandidateSql.Templates.Surcharges, .. Registration];

    private static readonly string[] Registration = [CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of($"""
        select v.subject_key, v.period, greatest(x.urban, 0) + greatest(x.education, 0) + greatest(x.local_education, 0), b.base,
               jsonb_build_object(
                 'records', jsonb_build_array({Cite("v", Templates[0])}) || {CiteIfAny("s", Templates[1])},
                 'figures', jsonb_build_object('base', b.base, 'location', b.location,
                   'due', jsonb_build_object('urban', d.urban, 'education', d.education, 'localEducation', d.local_education),
                   'collected', jsonb_build_object('urban', coalesce(s.urban_maintenance_tax, 0), 'education', coalesce(s.education_surcharge, 0),
                                                   'localEducation', coalesce(s.local_education_surcharge, 0)),
                   'short', jsonb_build_object('urban', x.urban, 'education', x.education, 'localEducation', x.local_education))),
               {CountyLookup(context, "v.subject_key")}
          from {context.TypedView(Templates[0])} v
          left join {context.TypedView(Templates[1])} s on s.subject_key = v.subject_key and s.period = v.period
          cross join lateral (select v.vat_paid + coalesce(v.consumption_tax_paid, 0) as base, coalesce(s.location, $6) as location) b
          cross join lateral (select round(b.base * ($2::jsonb ->> b.location)::numeric, 2) as urban,
                                     round(b.base * $3, 2) as education, round(b.base * $4, 2) as local_education) d
          cross join lateral (select d.urban - coalesce(s.urban_maintenance_tax, 0) as urban,
                                     d.education - coalesce(s.education_surcharge, 0) as education,
                                     d.local_education - coalesce(s.local_education_surcharge, 0) as local_education) x
         where v.period <= $1
           and b.base > 0
           and (x.urban > $5 or x.education > $5 or x.local_education > $5)
        """, JsonSerializer.Serialize(options.Urban), options.Education, options.LocalEducation, options.Tolerance, options.DefaultLocation);
}
