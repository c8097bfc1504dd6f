using Npgsql;
using Platform.Ingest.Records;

namespace Platform.Comparisons.Rules;

/// <summary>
/// A comparison rule (RULES.md): a stable id and version, typed parameters bound from <c>Comparisons:Rules:&lt;id&gt;</c>,
/// the templates whose records it reads, and one set-based SQL query producing its candidates. Everything else (the
/// candidate table, the merge with existing leads, the events, assignment, the run's record) is the engine's
/// (<see cref="Runs.RuleRunner"/>), so a rule is only "a SQL query producing candidates".
/// </summary>
public interface IComparisonRule
{
    /// <summary>The stable id, such as <c>registry-unregistered</c>; a lead's identity is (rule, subject, period).</summary>
    string Id { get; }

    /// <summary>Raised when the rule's meaning changes; shown on each lead and run.</summary>
    int Version { get; }

    /// <summary>The rule's parameters as configured (grace period, tolerances, rates), shown on each lead and run.</summary>
    object Parameters { get; }

    /// <summary>
    /// The templates the rule reads: a run's data is "as of" their latest accepted submission, and an accepted submission
    /// of one of them triggers a run.
    /// </summary>
    IReadOnlyList<string> Templates { get; }

    /// <summary>
    /// The candidate set as one SELECT whose columns are, in order, those of <see cref="CandidateTable"/>; the engine
    /// inserts its rows into the run's candidate table. <c>$1</c> is the run's <c>asOf</c> date: a rule never reads a record
    /// whose period starts after it. The rule's own parameter values follow from <c>$2</c>.
    /// </summary>
    CandidateQuery Candidates(RuleContext context);
}

/// <summary>
/// What a rule's query may use: where the typed views of the standing records are (<see cref="TypedView"/>, a name), and
/// each subject's standing record of a monthly-increment template as of <c>$1</c> (<see cref="Standing"/>, a SELECT with
/// the view's columns, from <see cref="IngestRecords.StandingPerSubjectAsync"/>).
/// </summary>
public sealed record RuleContext(Func<string, string> TypedView, Func<string, string> Standing)
{
    /// <summary>The context of a run as of <paramref name="asOf"/>, on the run's connection, for the rule's templates.</summary>
    public static async Task<RuleContext> ForRunAsync(NpgsqlConnection connection, IComparisonRule rule, DateOnly asOf, CancellationToken ct)
    {
        var standing = await IngestRecords.StandingPerSubjectAsync(connection, rule.Templates, asOf, ct);
        return new RuleContext(template => IngestRecords.TypedView(template).Name,
            template => standing.TryGetValue(template, out var select) ? select
                : throw new InvalidOperationException($"The rule reads '{template}' without naming it in its Templates."));
    }
}

/// <summary>One SELECT producing candidates, and the values of its parameters from <c>$2</c> on.</summary>
public sealed record CandidateQuery(string Select, IReadOnlyList<object> Parameters)
{
    public static CandidateQuery Of(string select, params object[] parameters) => new(select, parameters);
}

/// <summary>
/// The shape every rule's candidates take: a temporary table of the run's transaction, one row per (subject, period).
/// <c>evidence</c> is <c>{"records": [{"template", "submission_id", "row_number", "record_key", "agency"}, ...],
/// "figures": {...}}</c>: the records cited (so the lead can be explained to the taxpayer) and the rule's own figures.
/// <c>county</c> is the subject's six-digit GB/T 2260 division (RULES.md "The subject's county and office").
/// </summary>
public static class CandidateTable
{
    public const string Name = "lead_candidate";

    public const string Columns = "subject, period, amount_at_risk, base, evidence, county";

    public const string Create = $"""
        create temporary table {Name} (
          subject text not null,
          period date not null,
          amount_at_risk numeric not null default 0,
          base numeric null,
          evidence jsonb not null,
          county text not null
        ) on commit drop
        """;

    /// <summary>The SQL that fills the table from a rule's query; the rule's SELECT follows.</summary>
    public static string InsertFrom(CandidateQuery query) => $"insert into {Name} ({Columns}) {query.Select}";

    /// <summary>
    /// A candidate's evidence digest: the cited records (template, submission, record key), sorted, and the amount at risk.
    /// Equal digests mean "the same evidence" for re-runs (RULES.md "Leads from runs").
    /// </summary>
    public const string DigestOf = """
        md5(coalesce((select string_agg(concat_ws(':', r->>'template', r->>'submission_id', r->>'record_key'), ','
                                        order by concat_ws(':', r->>'template', r->>'submission_id', r->>'record_key'))
                        from jsonb_array_elements(c.evidence->'records') r), '')
            || '|' || round(c.amount_at_risk, 2)::text)
        """;

    internal static void AddParameters(NpgsqlCommand command, DateOnly asOf, CandidateQuery query)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = asOf });
        foreach (var value in query.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }
}
