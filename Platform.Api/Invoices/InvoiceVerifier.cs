using Npgsql;
using Platform.Api.Audit;
using Platform.Ingest.Records;

namespace Platform.Api.Invoices;

/// <summary>
/// Answers lookups, one or a batch's alike: counts them for the day (<see cref="LookupCounter"/>, one upsert over the
/// invoices' keys) and reads the standing invoices (<see cref="IngestRecords.InvoiceLookup"/>, one statement over the
/// distinct keys) in one batch, one round trip whatever the number of lookups, on connections that commit asynchronously
/// (<see cref="LookupDatabase"/>); decides each answer (<see cref="InvoiceVerification.Decide"/>) and queues each
/// lookup's audit entry (<see cref="LookupAudit"/>), in the lookups' order.
/// </summary>
public sealed class InvoiceVerifier(LookupDatabase database, TimeProvider time, InvoiceOptions options, LookupAudit audit)
{
    private readonly TimeZoneInfo zone = options.Zone();

    /// <summary>Today in the platform's time zone (<see cref="InvoiceOptions.TimeZone"/>).</summary>
    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    public async Task<InvoiceVerification> VerifyAsync(InvoiceQuery query, AuditActor actor, CancellationToken ct) =>
        (await VerifyAsync([query], actor, ct))[0];

    /// <summary>
    /// The answers to <paramref name="queries"/>, in their order. An invoice asked several times is counted once per
    /// lookup, the first ones admitted while the day's count allows, as if they came one after another.
    /// </summary>
    public async Task<IReadOnlyList<InvoiceVerification>> VerifyAsync(IReadOnlyList<InvoiceQuery> queries, AuditActor actor, CancellationToken ct)
    {
        if (queries.Count == 0)
        {
            return [];
        }
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = local.Date.AddDays(1);
        var resetsAt = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
        var asked = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            asked[query.Key] = asked.GetValueOrDefault(query.Key) + 1;
        }

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                LookupCounter.Count(asked, DateOnly.FromDateTime(local.DateTime), options.LookupsPerInvoicePerDay),
                IngestRecords.InvoiceLookup(asked.Keys),
            },
        };
        // Prepared once per pooled connection: planning the look-up over its views cost more than running it.
        await batch.PrepareAsync(ct);
        Dictionary<string, int> admitted;
        Dictionary<string, IssuedInvoice> held;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            admitted = LookupCounter.Admitted(asked, await LookupCounter.ReadAsync(reader, ct), options.LookupsPerInvoicePerDay);
            await reader.NextResultAsync(ct);
            held = await IngestRecords.ReadInvoicesAsync(reader, ct);
        }
        var answers = new InvoiceVerification[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            var key = queries[i].Key;
            var isAdmitted = admitted[key]-- > 0;
            answers[i] = InvoiceVerification.Decide(queries[i], held.GetValueOrDefault(key), isAdmitted, resetsAt);
            await audit.EnqueueAsync(now, actor, key, answers[i].Result, ct);
        }
        return answers;
    }
}
