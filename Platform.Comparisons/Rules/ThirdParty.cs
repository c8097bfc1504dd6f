using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>Parameters of the third-party rules (<c>Comparisons:Rules:&lt;id&gt;</c>).</summary>
public sealed record ThirdPartyOptions
{
    /// <summary>How far a third party's amount may exceed the declared revenue, as a ratio of it.</summary>
    public decimal RatioTolerance { get; init; } = 0.10m;

    /// <summary>Yuan the gap must exceed besides.</summary>
    public decimal MinAmount { get; init; } = 1000m;

    /// <summary>The rate applied to the undeclared base for the tax at risk.</summary>
    public decimal AssumedRate { get; init; } = 0.13m;
}

/// <summary>
/// 第三方比对: an amount a third party saw for a subject and period (pharmacy card sales; property sold by a business;
/// land transferred by a business) against the revenue it declared for that period (0 without a declaration). A lead
/// when the amount exceeds the declared revenue by more than the ratio tolerance and the minimum; base: the gap; amount
/// at risk: the gap at the assumed rate. Evidence: the third party's records and the declaration if any.
/// </summary>
public sealed class ThirdParty(string id, string template, string thirdParty, ThirdPartyOptions options) : IComparisonRule
{
    public const string CardSalesId = "third-party-card-sales", PropertyId = "third-party-property", LandId = "third-party-land";

    public static ThirdParty CardSales(ThirdPartyOptions options) => new(CardSalesId, CandidateSql.Templates.CardSales,
        "select t.subject_key, t.period, sum(t.card_sales) as amount, {cite} as records from {view} t where t.period <= $1 group by 1, 2",
        options);

    /// <summary>Sales by businesses only: a seller whose id is a valid credit code (people's sales are out of scope).</summary>
    public static ThirdParty Property(ThirdPartyOptions options) => new(PropertyId, CandidateSql.Templates.Property,
        $"select t.seller_id, t.period, sum(t.price), {{cite}} from {{view}} t where t.period <= $1 and {RuleFunctions.IsUscc}(t.seller_id) group by 1, 2",
        options);

    /// <summary>Transfers with a transferor (a grant by the state has none), by the transferor.</summary>
    public static ThirdParty Land(ThirdPartyOptions options) => new(LandId, CandidateSql.Templates.Land,
        "select t.transferor_uscc, t.period, sum(t.price), {cite} from {view} t where t.period <= $1 and nullif(t.transferor_uscc, '') is not null group by 1, 2",
        options);

    public string Id => id;
    public int Version => 1;
    public object Parameters => options;
    public IReadOnlyList<string> Templates { get; } =
        [template, CandidateSql.Templates.VatDeclarations, CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations];

    public CandidateQuery Candidates(RuleContext context) => CandidateQuery.Of($"""
        {Registrations(context)},
             third (subject_key, period, amount, records) as ({thirdParty.Replace("{cite}", CiteAll("t", template)).Replace("{view}", context.TypedView(template))})
        select t.subject_key, t.period, round((t.amount - coalesce(v.revenue, 0)) * $4, 2), t.amount - coalesce(v.revenue, 0),
               jsonb_build_object(
                 'records', t.records || {CiteIfAny("v", CandidateSql.Templates.VatDeclarations)},
                 'figures', jsonb_build_object('thirdParty', t.amount, 'declared', coalesce(v.revenue, 0))),
               {County("p", "t.subject_key")}
          from third t
          left join {context.TypedView(CandidateSql.Templates.VatDeclarations)} v on v.subject_key = t.subject_key and v.period = t.period
          left join place p on p.subject_key = t.subject_key
         where t.amount > coalesce(v.revenue, 0) * (1 + $2)
           and t.amount - coalesce(v.revenue, 0) > $3
        """, options.RatioTolerance, options.MinAmount, options.AssumedRate);
}
