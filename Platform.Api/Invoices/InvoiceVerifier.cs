using Npgsql;
using Platform.Api.Audit;
using Platform.Ingest.Records;

namespace Platform.Api.Invoices;

/// <summary>
/// Answers lookups: counts the invoice's lookup for the day (<see cref="LookupCounter"/>) and reads the standing invoice
/// (<see cref="IngestRecords.InvoiceLookup"/>) in one batch, one round trip, on connections that commit asynchronously
/// (<see cref="LookupDatabase"/>); decides the answer
/// (<see cref="InvoiceVerification.Decide"/>) and queues its audit entry (<see cref="LookupAudit"/>).
/// </summary>
public sealed class InvoiceVerifier(LookupDatabase database, TimeProvider time, InvoiceOptions options, LookupAudit audit)
{
    private readonly TimeZoneInfo zone = options.Zone();

    /// <summary>Today in the platform's time zone (<see cref="InvoiceOptions.TimeZone"/>).</summary>
    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    public async Task<InvoiceVerification> VerifyAsync(InvoiceQuery query, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = local.Date.AddDays(1);
        var resetsAt = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                LookupCounter.Count(query.Key, DateOnly.FromDateTime(local.DateTime), options.LookupsPerInvoicePerDay),
                IngestRecords.InvoiceLookup(query.Key),
            },
        };
        // Prepared once per pooled connection: planning the look-up over its views cost more than running it.
        await batch.PrepareAsync(ct);
        InvoiceVerification answer;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            var admitted = await reader.ReadAsync(ct);
            await reader.NextResultAsync(ct);
            answer = InvoiceVerification.Decide(query, await IngestRecords.ReadInvoiceAsync(reader, ct), admitted, resetsAt);
        }
        await audit.EnqueueAsync(now, actor, query.Key, answer.Result, ct);
        return answer;
    }
}
