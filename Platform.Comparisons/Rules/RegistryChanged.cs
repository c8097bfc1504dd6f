using static Platform.Comparisons.Rules.CandidateSql;

namespace Platform.Comparisons.Rules;

/// <summary>
/// A change at the regulator that the tax registration does not show: standing BR 存续/在业 and a standing TR not 注销,
/// the change (else the establishment) more than <c>graceDays</c> before <c>asOf</c>, and the name (trimmed), the
/// division or the legal representative (both given) differing. Period: the month of the change; amount 0. Evidence:
/// BR, TR and the names of the fields that differ.
/// </summary>
public sealed class RegistryChanged(RegistryOptions options) : RegistryRule(RuleId, options)
{
    public const string RuleId = "registry-changed";

    public override CandidateQuery Candidates(RuleContext context) => Query($"""
        {Registrations(context)}
        select br.subject_key, date_trunc('month', coalesce(br.changed, br.established))::date, 0, null::numeric,
               jsonb_build_object(
                 'records', jsonb_build_array({Cite("br", Templates[0])}, {Cite("tr", Templates[1])}),
                 'figures', jsonb_build_object('changed', coalesce(br.changed, br.established), 'fields', to_jsonb(d.fields))),
               {County("p", "br.subject_key")}
          from br
          join tr on tr.subject_key = br.subject_key
          left join place p on p.subject_key = br.subject_key
          cross join lateral (select array_remove(array[
              case when btrim(br.name) <> btrim(tr.name) then 'name' end,
              case when br.address_division <> tr.division then 'division' end,
              case when nullif(btrim(br.legal_rep), '') <> nullif(btrim(tr.legal_rep), '') then 'legal_rep' end], null) as fields) d
         where br.status in ('存续', '在业')
           and tr.status <> '注销'
           and coalesce(br.changed, br.established) + $2::integer < $1
           and cardinality(d.fields) > 0
        """);
}
