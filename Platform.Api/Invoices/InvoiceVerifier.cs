using Npgsql;
using Platform.Api.Audit;
using Platform.Ingest.Records;

namespace Platform.Api.Invoices;

/// <summary>
/// Answers lookups, one or a batch's alike: counts them for the day (<see cref="LookupCounter"/>, one upsert over the
/// invoices' keys) and reads the standing invoices (<see cref="IngestRecords.InvoiceLookup"/>, one statement over the
/// distinct keys) in one batch, one round trip whatever the number of lookups, on connections that commit asynchronously
/// (<see cref="LookupDatabase"/>); decides each answer (<see cref="InvoiceVerification.Decide"/>) and queues each
/// lookup's audit entry (<see cref="LookupAudit"/>), in the lookups' order. Single lookups that arrive together are
/// answered as one batch (<see cref="LookupGathering{TLookup, TAnswer}"/>).
/// </summary>
public sealed class InvoiceVerifier
{
    private readonly LookupDatabase database;
    private readonly TimeProvider time;
    private readonly InvoiceOptions options;
    private readonly LookupAudit audit;
    private readonly TimeZoneInfo zone;
    private readonly LookupGathering<Lookup, InvoiceVerification> singles;

    public InvoiceVerifier(LookupDatabase database, TimeProvider time, InvoiceOptions options, LookupAudit audit)
    {
        (this.database, this.time, this.options, this.audit) = (database, time, options, audit);
        zone = options.Zone();
        singles = new(lookups => VerifyAsync(lookups, CancellationToken.None), options.LookupBatchesAtOnce, options.MaxBatchInvoices,
            options.MaxQueuedLookups);
    }

    /// <summary>Today in the platform's time zone (<see cref="InvoiceOptions.TimeZone"/>).</summary>
    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    /// <summary>
    /// One lookup's answer, answered with the other single lookups waiting at the time; <see cref="LookupQueueFullException"/> when
    /// <see cref="InvoiceOptions.MaxQueuedLookups"/> are waiting already.
    /// </summary>
    public Task<InvoiceVerification> VerifyAsync(InvoiceQuery query, AuditActor actor, CancellationToken ct) =>
        singles.AnswerAsync(new Lookup(query, actor), ct);

    /// <summary>Single lookups waiting for a batch on this host (at most <see cref="InvoiceOptions.MaxQueuedLookups"/>).</summary>
    public int SinglesQueued => singles.Queued;

    /// <summary>Completes once every single lookup handed in has been answered (<see cref="LookupGathering{TLookup, TAnswer}.DrainedAsync"/>).</summary>
    public Task SinglesAnsweredAsync(CancellationToken ct) => singles.DrainedAsync(ct);

    /// <summary>The answers to a batch of one caller's <paramref name="queries"/>, in their order.</summary>
    public Task<IReadOnlyList<InvoiceVerification>> VerifyAsync(IReadOnlyList<InvoiceQuery> queries, AuditActor actor, CancellationToken ct) =>
        VerifyAsync([.. queries.Select(query => new Lookup(query, actor))], ct);

    /// <summary>
    /// The answers to <paramref name="lookups"/>, in their order. An invoice asked several times is counted once per
    /// lookup, the first ones admitted while the day's counts (the invoice's and its caller's) allow, as if they came one
    /// after another.
    /// </summary>
    private async Task<IReadOnlyList<InvoiceVerification>> VerifyAsync(IReadOnlyList<Lookup> lookups, CancellationToken ct)
    {
        if (lookups.Count == 0)
        {
            return [];
        }
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = local.Date.AddDays(1);
        var resetsAt = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
        var lines = lookups.Select(l => (l.Query.Key, l.Actor.Actor)).ToList();
        var asked = lines.CountBy(line => line).ToDictionary();

        await using var connection = await database.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                LookupCounter.Count(asked, DateOnly.FromDateTime(local.DateTime), options.LookupsPerInvoicePerDay, options.LookupsPerInvoicePerCallerPerDay),
                IngestRecords.InvoiceLookup(asked.Keys.Select(k => k.Key).Distinct(StringComparer.Ordinal)),
            },
        };
        // Prepared once per pooled connection: planning the look-up over its views cost more than running it.
        await batch.PrepareAsync(ct);
        LookupCounter.Admission[] admitted;
        Dictionary<string, IssuedInvoice> held;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            admitted = LookupCounter.Admitted(lines, await LookupCounter.ReadAsync(reader, ct), options.LookupsPerInvoicePerDay,
                options.LookupsPerInvoicePerCallerPerDay);
            await reader.NextResultAsync(ct);
            held = await IngestRecords.ReadInvoicesAsync(reader, ct);
        }
        var answers = new InvoiceVerification[lookups.Count];
        for (var i = 0; i < lookups.Count; i++)
        {
            var (query, actor) = lookups[i];
            answers[i] = InvoiceVerification.Decide(query, held.GetValueOrDefault(query.Key), admitted[i].Spent, resetsAt) with
            {
                Remaining = admitted[i].Remaining,
            };
            await audit.EnqueueAsync(now, actor, query.Key, answers[i].Result, ct);
        }
        return answers;
    }

    /// <summary>A lookup and who asked it (its audit entry's actor).</summary>
    private sealed record Lookup(InvoiceQuery Query, AuditActor Actor);
}
