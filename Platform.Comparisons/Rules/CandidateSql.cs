namespace Platform.Comparisons.Rules;

/// <summary>SQL pieces every rule writes the same way: a cited record, the latest standing record of a subject, the county.</summary>
public static class CandidateSql
{
    /// <summary>A record of the typed view aliased <paramref name="alias"/> as evidence cites it.</summary>
    public static string Cite(string alias, string templateId) =>
        $"jsonb_build_object('template', '{templateId}', 'submission_id', {alias}.submission_id, 'row_number', {alias}.row_number, " +
        $"'record_key', {alias}.record_key, 'agency', {alias}.agency)";

    /// <summary>
    /// A subject's standing record of a monthly-increment template (RULES.md: the record of the latest period up to
    /// <c>$1</c>; ties by the later submission, whose ids are time-ordered, then the later row).
    /// </summary>
    public static string Standing(string view) => $"""
        select distinct on (subject_key) *
          from {view}
         where period <= $1
         order by subject_key, period desc, submission_id desc, row_number desc
        """;

    /// <summary>The county of a subject that is a credit code (USCC characters 3–8) when no registration names one.</summary>
    public static string CountyOfUscc(string subject, params string[] divisions) =>
        $"coalesce({string.Concat(divisions.Select(d => $"nullif({d}, ''), "))}substr({subject}, 3, 6))";
}
