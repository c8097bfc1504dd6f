using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>Parameters of <see cref="TaxSourceDrop"/> (<c>Comparisons:Rules:tax-source-drop</c>).</summary>
public sealed record TaxSourceDropOptions
{
    /// <summary>A key taxpayer paid at least this much tax in the quarter before the latest.</summary>
    public decimal KeyTaxpayerQuarterTax { get; init; } = 250_000m;

    /// <summary>The latest quarter's tax is below the one before by more than this share.</summary>
    public decimal DropRatio { get; init; } = 0.5m;

    /// <summary>Third parties' activity held within this share of the quarter before.</summary>
    public decimal SteadyTolerance { get; init; } = 0.2m;
}

/// <summary>
/// 税源监控: a key taxpayer whose tax over the three months ending with its latest declared period (A) fell sharply from
/// the three months before (B) while the activity third parties saw (card sales, invoices issued 正常 as seller) held
/// steady. Period: the latest declared period; amount at risk: tax(B) − tax(A). Evidence: the declarations of A and B,
/// tax and activity per window.
/// </summary>
public sealed class TaxSourceDrop(TaxSourceDropOptions options) : IComparisonRule
{
    public const string RuleId = "tax-source-drop";

    public string Id => RuleId;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } =
    [
        CandidateSql.Templates.VatDeclarations, CandidateSql.Templates.CardSales, CandidateSql.Templates.Invoices,
        CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations,
    ];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of($"""
        {Registrations(context)},
             v as (select v.*, v.vat_paid + coalesce(v.consumption_tax_paid, 0) as tax
                     from {context.TypedView(Templates[0])} v where v.period <= $1),
             latest as (select subject_key, max(period) as p from v group by 1),
             windows as (
               select l.subject_key, l.p,
                      sum(v.tax) filter (where v.period > l.p - interval '3 months') as tax_a,
                      sum(v.tax) filter (where v.period <= l.p - interval '3 months') as tax_b,
                      {CiteAll("v", Templates[0])} as records
                 from latest l
                 join v on v.subject_key = l.subject_key and v.period > l.p - interval '6 months'
                group by 1, 2),
             activity as (
               select subject_key, period, card_sales as amount from {context.TypedView(Templates[1])} where period <= $1
               union all
               select subject_key, period, coalesce(amount, 0) from {context.TypedView(Templates[2])} where period <= $1 and status = '正常'),
             seen as (
               select w.subject_key,
                      coalesce(sum(a.amount) filter (where a.period > w.p - interval '3 months' and a.period <= w.p), 0) as activity_a,
                      coalesce(sum(a.amount) filter (where a.period > w.p - interval '6 months' and a.period <= w.p - interval '3 months'), 0) as activity_b
                 from windows w
                 join activity a on a.subject_key = w.subject_key
                where w.tax_b >= $2
                group by 1)
        select w.subject_key, w.p, w.tax_b - coalesce(w.tax_a, 0), w.tax_b,
               jsonb_build_object(
                 'records', w.records,
                 'figures', jsonb_build_object('taxA', coalesce(w.tax_a, 0), 'taxB', w.tax_b, 'activityA', s.activity_a, 'activityB', s.activity_b)),
               {County("p", "w.subject_key")}
          from windows w
          join seen s on s.subject_key = w.subject_key
          left join place p on p.subject_key = w.subject_key
         where w.tax_b >= $2
           and coalesce(w.tax_a, 0) < w.tax_b * (1 - $3)
           and s.activity_b > 0
           and s.activity_a >= s.activity_b * (1 - $4)
        """, options.KeyTaxpayerQuarterTax, options.DropRatio, options.SteadyTolerance);
}
