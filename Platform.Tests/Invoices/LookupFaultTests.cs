using System.Net;
using System.Net.Http.Json;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>Invoice lookups across a stop and start of PostgreSQL: refused while it is away, answered once it is back, none lost from the audit or counted twice.</summary>
public sealed class LookupFaultTests
{
    [Fact]
    public async Task Lookups_across_a_database_outage_are_refused_while_it_lasts_and_every_answered_one_is_audited_and_counted_once()
    {
        await using var cluster = await PostgresCluster.StartAsync(shared: false);
        var database = await cluster.CreateDatabaseAsync("lookupfault");
        // The writer waits 3 s for more entries, so the first lookups' entries are still queued when the database stops.
        await using var platform = PlatformFactory.OnDatabase(database);
        platform.WithSetting("Invoices:AuditWriteDelay", "00:00:03");
        await ((IAsyncLifetime)platform).InitializeAsync();
        var row = IssuedInvoices.Legacy(7501);
        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());
        }

        await cluster.StopAsync();
        using (var refused = await agency.PostAsJsonAsync("/api/invoices/verify", IssuedInvoices.Lookup(row)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("nothing was changed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        await Task.Delay(TimeSpan.FromSeconds(4)); // the writer's delay passes while the database is away: it retries
        await cluster.StartAgainAsync();

        // The first lookup after the outage is answered, not refused by a connection the outage broke.
        Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());
        var audited = await IssuedInvoices.AuditedAsync(platform, key, 3);
        Assert.Equal(Enumerable.Repeat(LookupAudit.Operation("consistent"), 3), audited.Select(e => e.Operation));
        await Task.Delay(TimeSpan.FromSeconds(4)); // a duplicate written late would show now
        Assert.Equal(3, (await IssuedInvoices.AuditedAsync(platform, key, 3)).Count);
        Assert.Equal(3L, await Ingested.ScalarAsync(platform.ConnectionString,
            $"select coalesce(sum(lookups), 0) from {LookupCounter.Name} where invoice_key = $1", key));
    }
}
