namespace Platform.Comparisons.Rules;

/// <summary>SQL pieces every rule writes the same way: a cited record, the latest standing record of a subject, the county.</summary>
public static class CandidateSql
{
    /// <summary>The templates the rules read, by the names RULES.md gives them.</summary>
    public static class Templates
    {
        public const string BusinessRegistrations = "business-registrations", TaxRegistrations = "tax-registrations",
            VatDeclarations = "vat-declarations", Surcharges = "surcharge-collections", CardSales = "pharmacy-card-sales",
            Property = "property-transactions", Land = "land-transfers", Invoices = "invoices-issued";
    }

    /// <summary>Cited records of the rows aliased <paramref name="alias"/> of a group, as a JSON array in record-key order.</summary>
    public static string CiteAll(string alias, string templateId) =>
        $"coalesce(jsonb_agg({Cite(alias, templateId)} order by {alias}.record_key) filter (where {alias}.submission_id is not null), '[]'::jsonb)";

    /// <summary>The record aliased <paramref name="alias"/> as a one-element array, or an empty one when an outer join found none.</summary>
    public static string CiteIfAny(string alias, string templateId) =>
        $"case when {alias}.submission_id is null then '[]'::jsonb else jsonb_build_array({Cite(alias, templateId)}) end";

    /// <summary>A record of the typed view aliased <paramref name="alias"/> as evidence cites it.</summary>
    public static string Cite(string alias, string templateId) =>
        $"jsonb_build_object('template', '{templateId}', 'submission_id', {alias}.submission_id, 'row_number', {alias}.row_number, " +
        $"'record_key', {alias}.record_key, 'agency', {alias}.agency)";

    /// <summary>
    /// Where each registered subject is (RULES.md "The subject's county and office"): <c>place(subject_key, division)</c>,
    /// the standing TR's division, else the standing BR's address division; with the CTEs <c>br</c> and <c>tr</c> (the
    /// standing registrations) it defines. Follow it with <c>, next as (...)</c> or the SELECT.
    /// </summary>
    public static string Registrations(RuleContext context) => $"""
        with br as ({context.Standing(Templates.BusinessRegistrations)}),
             tr as ({context.Standing(Templates.TaxRegistrations)}),
             place as (select subject_key, coalesce(nullif(tr.division, ''), nullif(br.address_division, '')) as division
                         from br full join tr using (subject_key))
        """;

    /// <summary>
    /// The county of one subject as <see cref="Registrations"/>' <c>place</c> gives it (the standing TR's division,
    /// else the standing BR's address division, else the key's), as a scalar subquery for a SELECT list: looked up by
    /// the subject's index for the rows a rule outputs only. Joining <c>place</c> built it for every registered subject
    /// first, a full join of both registers (at a million businesses most of a surcharge run that raises a handful).
    /// </summary>
    public static string CountyLookup(RuleContext context, string subject) => $"""
        (select coalesce(nullif(tr.division, ''), nullif(br.address_division, ''), substr({subject}, 3, 6))
           from (select 1) one
           left join lateral (select division from {context.TypedView(Templates.TaxRegistrations)} where subject_key = {subject} and period <= $1
                               order by period desc, submission_id desc, row_number desc limit 1) tr on true
           left join lateral (select address_division from {context.TypedView(Templates.BusinessRegistrations)} where subject_key = {subject} and period <= $1
                               order by period desc, submission_id desc, row_number desc limit 1) br on true)
        """;

    /// <summary>A subject's county: the registration's (<c>place</c> aliased <paramref name="place"/>), else its key's (a USCC's characters 3–8).</summary>
    public static string County(string place, string subject) => $"coalesce({place}.division, substr({subject}, 3, 6))";

    /// <summary>The county of a subject that is a credit code (USCC characters 3–8) when no registration names one.</summary>
    public static string CountyOfUscc(string subject, params string[] divisions) =>
        $"coalesce({string.Concat(divisions.Select(d => $"nullif({d}, ''), "))}substr({subject}, 3, 6))";
}
