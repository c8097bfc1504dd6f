using Platform.Api.Invoices;

namespace Platform.Tests.Invoices;

/// <summary>Settings the lookup cannot run with are refused at start, saying what to set (no host).</summary>
public sealed class InvoiceOptionsTests
{
    [Fact]
    public void The_defaults_run()
    {
        Assert.Null(new InvoiceOptions().Problem());
    }

    [Theory]
    [InlineData(0, 32, 1_000, 500, 10_000, "Invoices:LookupBatchesAtOnce is 0; set it to 1 or more")]
    [InlineData(40, 32, 1_000, 500, 10_000, "Invoices:LookupBatchesAtOnce is 40, more than Invoices:MaxConnections (32)")]
    [InlineData(2, 32, 0, 500, 10_000, "Invoices:MaxBatchInvoices is 0; set it to 1 or more")]
    [InlineData(2, 32, 1_000, 0, 10_000, "Invoices:AuditBatchSize is 0; set it to 1 or more")]
    [InlineData(2, 32, 1_000, 500, 100, "Invoices:AuditQueueCapacity (100) is below Invoices:AuditBatchSize (500)")]
    public void A_setting_that_would_stall_or_crash_the_lookups_is_named(int batchesAtOnce, int connections, int batch, int auditBatch, int queue, string says)
    {
        var options = new InvoiceOptions
        {
            LookupBatchesAtOnce = batchesAtOnce, MaxConnections = connections, MaxBatchInvoices = batch, AuditBatchSize = auditBatch, AuditQueueCapacity = queue,
        };
        Assert.StartsWith(says, options.Problem(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void A_callers_share_of_an_invoices_daily_lookups_outside_one_to_the_invoices_limit_is_named(int share)
    {
        Assert.StartsWith($"Invoices:LookupsPerInvoicePerCallerPerDay is {share}; set it from 1 to Invoices:LookupsPerInvoicePerDay (5)",
            new InvoiceOptions { LookupsPerInvoicePerCallerPerDay = share }.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_of_single_lookups_with_no_room_is_named()
    {
        Assert.StartsWith("Invoices:MaxQueuedLookups is 0; set it to 1 or more", new InvoiceOptions { MaxQueuedLookups = 0 }.Problem(), StringComparison.Ordinal);
    }
}
