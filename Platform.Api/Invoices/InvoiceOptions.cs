namespace Platform.Api.Invoices;

/// <summary>Bounds and settings of the invoice-authenticity lookup (<c>Invoices:</c> in configuration).</summary>
public sealed class InvoiceOptions
{
    public const string Section = "Invoices";

    /// <summary>The time zone whose calendar day the daily limit counts in (IANA id).</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>Lookups of one invoice per calendar day, across all callers and hosts; the next answers <c>limit-reached</c>.</summary>
    public int LookupsPerInvoicePerDay { get; init; } = 5;

    /// <summary>
    /// Of those, the most one caller (a client, or a person) may take; its next answers <c>limit-reached</c> while the
    /// invoice may still answer others. Below <see cref="LookupsPerInvoicePerDay"/>, so that no caller alone can spend an
    /// invoice's lookups for everyone (a batch of wrong lookups would otherwise block its invoices for the day).
    /// </summary>
    public int LookupsPerInvoicePerCallerPerDay { get; init; } = 4;

    /// <summary>
    /// Lookups per caller (its token's subject) per minute on a host, over REST and GraphQL, a batch's invoices each
    /// (<see cref="InvoiceLookupLimit"/>); more are answered 429. At least <see cref="MaxBatchInvoices"/>, so a whole batch fits.
    /// </summary>
    public int LookupsPerCallerPerMinute { get; init; } = 2_000;

    /// <summary>
    /// Lookups per caller per calendar day (<see cref="TimeZone"/>) on a host, the same way: bounds what one caller can add
    /// to the append-only audit trail in a day (50,000 entries, about 20 MB) and how far it can walk the invoices. At
    /// least <see cref="MaxBatchInvoices"/>.
    /// </summary>
    public int LookupsPerCallerPerDay { get; init; } = 50_000;

    /// <summary>The most invoices one batch may carry.</summary>
    public int MaxBatchInvoices { get; init; } = 1_000;

    /// <summary>The largest batch body, in bytes (1,000 lines of about 80 characters fit many times over).</summary>
    public int MaxBatchBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Audit entries of lookups waiting to be written; when full, lookups wait for room. Also the most entries a crash of
    /// the host can lose (README, "Invoice-authenticity lookup").
    /// </summary>
    public int AuditQueueCapacity { get; init; } = 10_000;

    /// <summary>The most audit entries written in one transaction.</summary>
    public int AuditBatchSize { get; init; } = 500;

    /// <summary>
    /// How long the writer waits, once an entry is queued, before writing what has gathered (a stop writes at once). The
    /// default, 20 ms, gathers about 50 entries a transaction at 2,000 lookups a second and halves what the audit costs
    /// PostgreSQL per lookup against writing at once (<c>ops/bench audit</c>); a crash loses what arrived in that time,
    /// within the bound of <see cref="AuditQueueCapacity"/> and <see cref="AuditBatchSize"/> either way. Zero writes at once.
    /// </summary>
    public TimeSpan AuditWriteDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The most database connections lookups hold at once (their own pool, <see cref="LookupDatabase"/>).</summary>
    public int MaxConnections { get; init; } = 32;

    /// <summary>
    /// The most batches of single lookups answered at once (<see cref="LookupGathering{TLookup, TAnswer}"/>): with one,
    /// lookups arriving while a batch is out wait for it to come back; two let the database answer one batch while the
    /// host reads and writes the requests of the next. More make smaller batches that compete for the same cores
    /// (<c>ops/bench invoices</c> on two cores: 6,590 lookups/s at 4, 8,157 at 2, 8,555 at 1, p99 41, 30 and 31 ms). Since
    /// lookups name their parties, one is the better: on 2026-12-02, alternating, 5,346 and 4,727 lookups/s at 1 against
    /// 4,259 and 4,216 at 2, p99 26 and 29 ms against 36 and 34, CPU per lookup 0.26–0.30 ms against 0.38–0.39 (larger
    /// batches, fewer round trips). Each takes one of <see cref="MaxConnections"/>.
    /// </summary>
    public int LookupBatchesAtOnce { get; init; } = 1;

    /// <summary>
    /// The most single lookups waiting on a host for a batch (<see cref="LookupGathering{TLookup, TAnswer}"/>); one more is
    /// answered 503 with <c>Retry-After</c> (GraphQL: an error with code <c>LOOKUP_QUEUE_FULL</c>), neither counted nor
    /// audited. 5,000 is well under a second of lookups at the rates <c>ops/bench invoices</c> measures.
    /// </summary>
    public int MaxQueuedLookups { get; init; } = 5_000;

    /// <summary>What is wrong with these settings, said as what to set; null when they can run.</summary>
    public string? Problem() =>
        LookupBatchesAtOnce < 1 ? $"{Section}:LookupBatchesAtOnce is {LookupBatchesAtOnce}; set it to 1 or more (1 on two cores)."
        : LookupBatchesAtOnce > MaxConnections ? $"{Section}:LookupBatchesAtOnce is {LookupBatchesAtOnce}, more than {Section}:MaxConnections ({MaxConnections}); set it at most that."
        : LookupsPerInvoicePerCallerPerDay < 1 || LookupsPerInvoicePerCallerPerDay > LookupsPerInvoicePerDay
            ? $"{Section}:LookupsPerInvoicePerCallerPerDay is {LookupsPerInvoicePerCallerPerDay}; set it from 1 to {Section}:LookupsPerInvoicePerDay ({LookupsPerInvoicePerDay}), below it so that one caller cannot spend an invoice's lookups for everyone."
        : MaxQueuedLookups < 1 ? $"{Section}:MaxQueuedLookups is {MaxQueuedLookups}; set it to 1 or more (5000 by default)."
        : MaxBatchInvoices < 1 ? $"{Section}:MaxBatchInvoices is {MaxBatchInvoices}; set it to 1 or more."
        : LookupsPerCallerPerMinute < MaxBatchInvoices
            ? $"{Section}:LookupsPerCallerPerMinute ({LookupsPerCallerPerMinute}) is below {Section}:MaxBatchInvoices ({MaxBatchInvoices}); a whole batch must fit in a minute's allowance."
        : LookupsPerCallerPerDay < MaxBatchInvoices
            ? $"{Section}:LookupsPerCallerPerDay ({LookupsPerCallerPerDay}) is below {Section}:MaxBatchInvoices ({MaxBatchInvoices}); a whole batch must fit in a day's allowance."
        : AuditBatchSize < 1 ? $"{Section}:AuditBatchSize is {AuditBatchSize}; set it to 1 or more."
        : AuditQueueCapacity < AuditBatchSize ? $"{Section}:AuditQueueCapacity ({AuditQueueCapacity}) is below {Section}:AuditBatchSize ({AuditBatchSize}); a whole batch must fit in the queue."
        : null;

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
