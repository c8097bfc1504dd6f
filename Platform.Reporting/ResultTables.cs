using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Reporting;

/// <summary>
/// The control results' tables (控管成果), all kept by <see cref="ResultsProjection"/> from events:
/// <list type="bullet">
/// <item><c>result_lead</c>: one fact row per lead (its dimensions, status, amounts, when raised and closed), so a later
/// event that names only the lead finds what it changes;</item>
/// <item><c>result_lead_cube</c>: the figures by tax period, rule, county and contributing agency (agency <c>''</c>: every
/// lead once), which is all the page reads;</item>
/// <item><c>result_submission</c> and <c>result_submission_cube</c>: the same for submissions, by period, agency and template.</item>
/// </list>
/// No taxpayer is named in a cube: a leader reads aggregates only.
/// </summary>
public static class ResultTables
{
    private static readonly string Schema = Ingest.StoreSchema.Name;
    public static readonly string Leads = $"{Schema}.result_lead";
    public static readonly string LeadCube = $"{Schema}.result_lead_cube";
    public static readonly string Submissions = $"{Schema}.result_submission";
    public static readonly string SubmissionCube = $"{Schema}.result_submission_cube";

    public static IReadOnlyList<string> All => [Leads, LeadCube, Submissions, SubmissionCube];

    /// <summary>The figures of a lead cube row, as SQL aggregates over <c>result_lead l</c>, in the cube's column order.</summary>
    public static readonly (string Column, string Type, string Aggregate)[] LeadFigures =
    [
        ("raised", "integer", "count(*)"),
        ("open", "integer", "count(*) filter (where l.status in ('Raised', 'Assigned', 'UnderVerification'))"),
        ("confirmed", "integer", "count(*) filter (where l.status in ('Confirmed', 'Collected'))"),
        ("dismissed", "integer", "count(*) filter (where l.status = 'Dismissed')"),
        ("collected", "integer", "count(*) filter (where l.status = 'Collected')"),
        ("corrected", "integer", "count(*) filter (where l.status = 'ClosedAsCorrected')"),
        ("unregistered_found", "integer", "count(*) filter (where l.rule = 'registry-unregistered')"),
        ("registered", "integer", "count(*) filter (where l.registered)"),
        ("tax_assessed", "numeric", "sum(l.tax)"),
        ("late_fee_assessed", "numeric", "sum(l.late_fee)"),
        ("penalty_assessed", "numeric", "sum(l.penalty)"),
        ("tax_collected", "numeric", "sum(l.tax_paid)"),
        ("late_fee_collected", "numeric", "sum(l.late_fee_paid)"),
        ("penalty_collected", "numeric", "sum(l.penalty_paid)"),
        ("amount_at_risk", "numeric", "coalesce(sum(l.amount_at_risk) filter (where l.status in ('Raised', 'Assigned', 'UnderVerification')), 0)"),
        ("closed", "integer", "count(l.closed_at)"),
        ("close_days", "numeric", "coalesce(sum(extract(epoch from l.closed_at - l.raised_at) / 86400), 0)"),
    ];

    /// <summary>The figures of a submission cube row over <c>result_submission s</c>.</summary>
    public static readonly (string Column, string Type, string Aggregate)[] SubmissionFigures =
    [
        ("submissions", "integer", "count(*)"),
        ("accepted", "integer", "count(*) filter (where s.status in ('Accepted', 'AcceptedWithErrors'))"),
        ("rejected", "integer", "count(*) filter (where s.status = 'Rejected')"),
        ("failed", "integer", "count(*) filter (where s.status = 'Failed')"),
        ("rows_read", "bigint", "sum(s.rows_read)"),
        ("rows_accepted", "bigint", "sum(s.rows_accepted)"),
        ("rows_rejected", "bigint", "sum(s.rows_rejected)"),
    ];

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var leads = Table("result_lead");
        leads.AddColumn("id", "text").AsPrimaryKey();
        Columns(leads, ("period", "text"), ("county", "text"), ("rule", "text"), ("agencies", "text[]"), ("status", "text"),
            ("registered", "boolean"), ("amount_at_risk", "numeric"), ("tax", "numeric"), ("late_fee", "numeric"), ("penalty", "numeric"),
            ("tax_paid", "numeric"), ("late_fee_paid", "numeric"), ("penalty_paid", "numeric"), ("raised_at", "timestamptz"));
        leads.AddColumn("closed_at", "timestamptz");
        leads.Indexes.Add(new IndexDefinition("ix_result_lead_period_rule") { Columns = ["period", "rule"] });
        yield return leads;

        var leadCube = Table("result_lead_cube");
        Key(leadCube, "period", "rule", "county", "agency");
        Columns(leadCube, [.. LeadFigures.Select(f => (f.Column, f.Type))]);
        yield return leadCube;

        var submissions = Table("result_submission");
        submissions.AddColumn("id", "text").AsPrimaryKey();
        Columns(submissions, ("period", "text"), ("agency", "text"), ("template", "text"), ("status", "text"), ("rows_read", "bigint"),
            ("rows_accepted", "bigint"), ("rows_rejected", "bigint"));
        submissions.Indexes.Add(new IndexDefinition("ix_result_submission_period_agency") { Columns = ["period", "agency"] });
        yield return submissions;

        var submissionCube = Table("result_submission_cube");
        Key(submissionCube, "period", "agency", "template");
        Columns(submissionCube, [.. SubmissionFigures.Select(f => (f.Column, f.Type))]);
        yield return submissionCube;
    }

    private static Table Table(string name) => new(new PostgresqlObjectName(Schema, name, SchemaUtils.IdentifierUsage.General));

    private static void Key(Table table, params string[] columns)
    {
        foreach (var column in columns)
        {
            table.AddColumn(column, "text").AsPrimaryKey();
        }
    }

    private static void Columns(Table table, params (string Name, string Type)[] columns)
    {
        foreach (var (name, type) in columns)
        {
            table.AddColumn(name, type).NotNull();
        }
    }
}
