using System.Text.Json;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Platform.Comparisons.Leads;
using Platform.Ingest;
using Platform.Ingest.Submissions;

namespace Platform.Reporting;

/// <summary>
/// Keeps <see cref="ResultTables"/> from lead and submission events, run by Marten's async daemon (one host at a time,
/// picked by the daemon's advisory lock), so a leader's page reads small cubes instead of scanning records or leads.
/// Each batch applies its events to the fact rows in runs of one statement (<see cref="EventRuns"/>), then recomputes
/// the cube rows of the tax periods and rules (or periods and agencies) it touched from their facts: a cube is always
/// the sum of its facts, never a running total that a missed delta would skew. Deterministic: times come from the events.
/// </summary>
public sealed class ResultsProjection : IProjection
{
    public const string Name = "control-results";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// How each event changes the fact rows: the statement over <c>jsonb_to_recordset(?) as e</c>, whose columns are the
    /// event's fields in snake case, and for the two that carry evidence, the row to read instead of the event.
    /// </summary>
    private static readonly Dictionary<Type, (string Sql, Func<object, object>? Row)> Facts = new()
    {
        [typeof(LeadRaised)] = (
            $"""
             insert into {ResultTables.Leads} (id, period, county, rule, agencies, status, registered, amount_at_risk, tax, late_fee, penalty,
                 tax_paid, late_fee_paid, penalty_paid, raised_at)
             select e.lead_id, e.period, e.county, e.rule, e.agencies, 'Raised', false, e.amount_at_risk, 0, 0, 0, 0, 0, 0, e.at
             from jsonb_to_recordset(?::jsonb) as e(lead_id text, period text, county text, rule text, agencies text[], amount_at_risk numeric, at timestamptz)
             on conflict (id) do nothing
             """,
            e => e is LeadRaised r ? new { r.LeadId, r.Period, r.County, r.Rule, Agencies = Agencies(r.Evidence), r.AmountAtRisk, r.At } : e),
        [typeof(LeadEvidenceUpdated)] = (
            Update("agencies = e.agencies, amount_at_risk = e.amount_at_risk", "agencies text[], amount_at_risk numeric"),
            e => e is LeadEvidenceUpdated u ? new { u.LeadId, Agencies = Agencies(u.Evidence), u.AmountAtRisk } : e),
        [typeof(LeadAssigned)] = (Update("status = case when l.status = 'Raised' then 'Assigned' else l.status end", ""), null),
        [typeof(VerificationStarted)] = (Update("status = 'UnderVerification'", ""), null),
        [typeof(LeadConfirmed)] = (
            Update($"status = 'Confirmed', registered = e.kind = '{nameof(Confirmation.TaxpayerRegistered)}', tax = e.tax, late_fee = e.late_fee, " +
                   "penalty = e.penalty, closed_at = e.at", "kind text, tax numeric, late_fee numeric, penalty numeric, at timestamptz"),
            null),
        [typeof(LeadDismissed)] = (Update("status = 'Dismissed', closed_at = e.at", "at timestamptz"), null),
        [typeof(LeadCollected)] = (
            Update("status = 'Collected', tax_paid = e.tax_paid, late_fee_paid = e.late_fee_paid, penalty_paid = e.penalty_paid",
                "tax_paid numeric, late_fee_paid numeric, penalty_paid numeric"),
            null),
        [typeof(LeadClosedAsCorrected)] = (Update("status = 'ClosedAsCorrected'", ""), null),
        [typeof(SubmissionReceived)] = (
            $"""
             insert into {ResultTables.Submissions} (id, period, agency, template, status, rows_read, rows_accepted, rows_rejected)
             select e.submission_id, e.period, e.agency, e.template_id, 'Received', 0, 0, 0
             from jsonb_to_recordset(?::jsonb) as e(submission_id text, period text, agency text, template_id text)
             on conflict (id) do nothing
             """,
            null),
        [typeof(SubmissionAccepted)] = (
            SubmissionUpdate("status = case when e.rows_rejected > 0 then 'AcceptedWithErrors' else 'Accepted' end, rows_read = e.rows_read, " +
                             "rows_accepted = e.rows_accepted, rows_rejected = e.rows_rejected",
                "rows_read bigint, rows_accepted bigint, rows_rejected bigint"),
            null),
        [typeof(SubmissionRejected)] = (SubmissionUpdate("status = 'Rejected'", ""), null),
        [typeof(SubmissionFailed)] = (SubmissionUpdate("status = 'Failed'", ""), null),
    };

    /// <summary>The event types this projection reads.</summary>
    public static IReadOnlyCollection<Type> EventTypes => Facts.Keys;

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var ours = events.Where(e => Facts.ContainsKey(e.EventType)).ToList();
        foreach (var run in EventRuns.Of(ours))
        {
            var (sql, row) = Facts[run[0].EventType];
            operations.QueueSqlCommand(sql, JsonSerializer.Serialize(run.Select(e => row is null ? e.Data : row(e.Data)).ToArray(), Json));
        }
        var leads = ours.Where(e => Lead.EventTypes.Contains(e.EventType)).Select(e => e.StreamKey!).Distinct().ToArray();
        if (leads.Length > 0)
        {
            Recompute(operations, ResultTables.LeadCube, ResultTables.Leads, "l", ["period", "rule"],
                "l.period, l.rule, l.county, a.agency", "cross join lateral unnest(array[''] || l.agencies) as a(agency)",
                ResultTables.LeadFigures, leads);
        }
        var submissions = ours.Where(e => !Lead.EventTypes.Contains(e.EventType)).Select(e => e.StreamKey!).Distinct().ToArray();
        if (submissions.Length > 0)
        {
            Recompute(operations, ResultTables.SubmissionCube, ResultTables.Submissions, "s", ["period", "agency"],
                "s.period, s.agency, s.template", "", ResultTables.SubmissionFigures, submissions);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Replaces the cube rows of every <paramref name="slice"/> (e.g. period and rule) that the touched facts fall in with
    /// the sums of all facts of those slices. Two statements, queued in order after the facts' own.
    /// </summary>
    private static void Recompute(IDocumentOperations operations, string cube, string facts, string alias, string[] slice, string keys,
        string join, (string Column, string Type, string Aggregate)[] figures, string[] touched)
    {
        var sliceColumns = string.Join(", ", slice);
        var touchedSlices = $"select distinct {sliceColumns} from {facts} where id = any(?)";
        operations.QueueSqlCommand(
            $"delete from {cube} c using ({touchedSlices}) t where {string.Join(" and ", slice.Select(s => $"c.{s} = t.{s}"))}", (object)touched);
        operations.QueueSqlCommand(
            $"""
             insert into {cube} ({string.Join(", ", keys.Split(", ").Select(k => k[(k.IndexOf('.') + 1)..]))}, {string.Join(", ", figures.Select(f => f.Column))})
             select {keys}, {string.Join(", ", figures.Select(f => f.Aggregate))}
             from {facts} {alias} {join}
             where ({string.Join(", ", slice.Select(s => $"{alias}.{s}"))}) in ({touchedSlices})
             group by {keys}
             """, (object)touched);
    }

    private static string Update(string set, string fields) =>
        $"update {ResultTables.Leads} l set {set} from jsonb_to_recordset(?::jsonb) as e(lead_id text{(fields.Length > 0 ? ", " + fields : "")}) " +
        "where l.id = e.lead_id";

    private static string SubmissionUpdate(string set, string fields) =>
        $"update {ResultTables.Submissions} l set {set} from jsonb_to_recordset(?::jsonb) as e(submission_id text{(fields.Length > 0 ? ", " + fields : "")}) " +
        "where l.id = e.submission_id";

    /// <summary>The agencies whose records a lead cites, each once: the agencies its outcome is fed back to.</summary>
    private static string[] Agencies(Evidence evidence) =>
        [.. evidence.Records.Select(r => r.Agency).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
