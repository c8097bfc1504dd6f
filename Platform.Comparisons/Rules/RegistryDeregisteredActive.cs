using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>
/// A business deregistered at the regulator (standing status 注销, its date, else its record's period, more than
/// <c>graceDays</c> before <c>asOf</c>) whose standing tax registration is still 正常. Period: the month deregistered;
/// amount 0. Evidence: the BR and TR records.
/// </summary>
public sealed class RegistryDeregisteredActive(RegistryOptions options) : RegistryRule(RuleId, options)
{
    public const string RuleId = "registry-deregistered-active";

    public override CandidateQuery Candidates(RuleContext context) => Query($"""
        {Registrations(context)}
        select br.subject_key, date_trunc('month', coalesce(br.deregistered, br.period))::date, 0, null::numeric,
               jsonb_build_object(
                 'records', jsonb_build_array({Cite("br", Templates[0])}, {Cite("tr", Templates[1])}),
                 'figures', jsonb_build_object('deregistered', coalesce(br.deregistered, br.period), 'taxStatus', tr.status)),
               {County("p", "br.subject_key")}
          from br
          join tr on tr.subject_key = br.subject_key
          left join place p on p.subject_key = br.subject_key
         where br.status = '注销'
           and coalesce(br.deregistered, br.period) + $2::integer < $1
           and tr.status = '正常'
        """);
}
