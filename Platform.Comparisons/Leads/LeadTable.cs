using System.Text.Json;
using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten;
using Platform.Ingest;
using Marten.Events.Projections;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Platform.Comparisons.Leads;

/// <summary>
/// The leads' read model: one flat row per lead in <c>platform.lead</c>, a column per field of <see cref="Lead"/>. Flat
/// rather than a Marten document because the run's merge is set-based SQL over (rule, subject, period, status, digest)
/// and a run raises or closes thousands of leads at once: this projection writes each batch of events with one statement
/// per kind of change (an insert of the new leads, an update per event type), where a document projection upserts
/// each lead on its own (measured: about 450 leads/s for documents on the two-core test host). Paging reads the row
/// as JSON (<c>to_jsonb</c>), so a page is one statement.
/// </summary>
public static class LeadTable
{
    public static readonly string Name = $"{Ingest.StoreSchema.Name}.lead";

    /// <summary>The row's JSON: column names are the snake-case field names, enums their names.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var table = new Table(new PostgresqlObjectName(Ingest.StoreSchema.Name, "lead", SchemaUtils.IdentifierUsage.General));
        table.AddColumn("id", "text").AsPrimaryKey();
        foreach (var (column, type) in Columns)
        {
            var added = table.AddColumn(column, type.Replace(" not null", "", StringComparison.Ordinal));
            if (type.EndsWith(" not null", StringComparison.Ordinal))
            {
                added.NotNull();
            }
        }
        table.Indexes.Add(new IndexDefinition("ix_lead_rule_subject_period") { Columns = ["rule", "subject", "period"] });
        table.Indexes.Add(new IndexDefinition("ix_lead_county") { Columns = ["county", "id"] });
        table.Indexes.Add(new IndexDefinition("ix_lead_subject") { Columns = ["subject", "id"] });
        yield return table;
    }

    private static readonly (string Column, string Type)[] Columns =
    [
        ("rule", "text not null"), ("rule_version", "integer not null"), ("parameters", "jsonb not null"), ("subject", "text not null"),
        ("period", "text not null"), ("amount_at_risk", "numeric not null"), ("base", "numeric"), ("evidence", "jsonb not null"),
        ("digest", "text not null"), ("county", "text not null"), ("status", "text not null"), ("raised_at", "timestamptz not null"),
        ("updated_at", "timestamptz not null"), ("office", "text"), ("confirmation", "text"), ("tax", "numeric not null"),
        ("late_fee", "numeric not null"), ("penalty", "numeric not null"), ("dismissed_because", "text"), ("tax_paid", "numeric not null"),
        ("late_fee_paid", "numeric not null"), ("penalty_paid", "numeric not null"), ("paid_on", "date"),
    ];

    public static Lead Read(string json) => JsonSerializer.Deserialize<Lead>(json, Json)!;

    /// <summary>How each later event changes the row, and the fields of the event it reads (as <c>jsonb_to_recordset</c> columns).</summary>
    internal static readonly Dictionary<Type, (string Set, string Fields)> Updates = new()
    {
        [typeof(LeadAssigned)] = ("office = e.office, status = case when l.status = 'Raised' then 'Assigned' else l.status end, updated_at = e.at",
            "lead_id text, office text, at timestamptz"),
        [typeof(LeadEvidenceUpdated)] = ("amount_at_risk = e.amount_at_risk, base = e.base, evidence = e.evidence, digest = e.digest, updated_at = e.at",
            "lead_id text, amount_at_risk numeric, base numeric, evidence jsonb, digest text, at timestamptz"),
        [typeof(VerificationStarted)] = ("status = 'UnderVerification', updated_at = e.at", "lead_id text, at timestamptz"),
        [typeof(LeadConfirmed)] = ("status = 'Confirmed', confirmation = e.kind, tax = e.tax, late_fee = e.late_fee, penalty = e.penalty, updated_at = e.at",
            "lead_id text, kind text, tax numeric, late_fee numeric, penalty numeric, at timestamptz"),
        [typeof(LeadDismissed)] = ("status = 'Dismissed', dismissed_because = e.reason, updated_at = e.at", "lead_id text, reason text, at timestamptz"),
        [typeof(LeadCollected)] = ("status = 'Collected', tax_paid = e.tax_paid, late_fee_paid = e.late_fee_paid, penalty_paid = e.penalty_paid, " +
                                   "paid_on = e.paid_on, updated_at = e.at",
            "lead_id text, tax_paid numeric, late_fee_paid numeric, penalty_paid numeric, paid_on date, at timestamptz"),
        [typeof(LeadClosedAsCorrected)] = ("status = 'ClosedAsCorrected', updated_at = e.at", "lead_id text, at timestamptz"),
    };
}

/// <summary>
/// The inline projection of lead streams into <see cref="LeadTable"/>: leads started in the batch are folded in memory
/// (<see cref="Lead.Fold"/>) and inserted together; later events update the rows, consecutive events of one type
/// together, in the order they were appended. Deterministic: times come from the events.
/// </summary>
public sealed class LeadProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var leadEvents = events.Where(e => Lead.EventTypes.Contains(e.EventType)).ToList();
        var started = leadEvents.Where(e => e.Data is LeadRaised).Select(e => e.StreamKey!).ToHashSet();
        if (started.Count > 0)
        {
            var rows = leadEvents.Where(e => started.Contains(e.StreamKey!))
                .GroupBy(e => e.StreamKey!)
                .Select(g => g.Aggregate((Lead?)null, (lead, e) => Lead.Fold(lead, e.Data))!);
            operations.QueueSqlCommand(InsertSql("?"), JsonSerializer.Serialize(rows, LeadTable.Json));
        }
        foreach (var run in EventRuns.Of(leadEvents.Where(e => !started.Contains(e.StreamKey!))))
        {
            Update(operations, run);
        }
        return Task.CompletedTask;
    }

    private static void Update(IDocumentOperations operations, IReadOnlyList<IEvent> group) =>
        operations.QueueSqlCommand(UpdateSql(group[0].EventType, "?"), JsonSerializer.Serialize(group.Select(e => e.Data).ToArray(), LeadTable.Json));

    /// <summary>The insert of new leads' rows, given as a JSON array of folded <see cref="Lead"/>s in <paramref name="parameter"/>.</summary>
    internal static string InsertSql(string parameter) =>
        $"insert into {LeadTable.Name} select * from jsonb_populate_recordset(null::{LeadTable.Name}, {parameter}::jsonb)";

    /// <summary>The update by events of one type, given as a JSON array in <paramref name="parameter"/>, at most one per lead.</summary>
    internal static string UpdateSql(Type eventType, string parameter)
    {
        var (set, fields) = LeadTable.Updates[eventType];
        return $"update {LeadTable.Name} l set {set} from jsonb_to_recordset({parameter}::jsonb) as e({fields}) where l.id = e.lead_id";
    }
}
