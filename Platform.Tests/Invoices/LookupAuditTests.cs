using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

public sealed class LookupAuditTests
{
    [Fact]
    public async Task Lookups_answered_before_their_entries_are_written_are_all_written_when_the_host_stops()
    {
        var platform = new PlatformFactory().WithSetting("Invoices:AuditWriteDelay", "01:00:00");
        string connectionString;
        var row = IssuedInvoices.Legacy(7401);
        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        await using (platform)
        {
            await platform.InitializeAsync();
            await IssuedInvoices.SendAsync(platform, [row]);
            var agency = await platform.ClientForAsync(Roles.Agency, "finance");
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());
            }
            connectionString = platform.ConnectionString;
            Assert.Empty(await OperationsAsync(connectionString, key)); // queued: the writer waits an hour
        }

        Assert.Equal(Enumerable.Repeat(LookupAudit.Operation("consistent"), 3), await OperationsAsync(connectionString, key));
    }

    [Fact]
    public async Task A_whole_batch_of_entries_is_written_without_waiting_out_the_writers_delay()
    {
        await using var platform = new PlatformFactory().WithSetting("Invoices:AuditWriteDelay", "01:00:00").WithSetting("Invoices:AuditBatchSize", "2");
        await platform.InitializeAsync();
        var row = IssuedInvoices.Legacy(7402);
        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());
        Assert.Empty(await OperationsAsync(platform.ConnectionString, key)); // one entry: the writer waits (an hour) for more

        Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());

        var written = new List<string>();
        for (var attempt = 0; attempt < 300 && written.Count < 2; attempt++) // the writer's hour, not these 30 s, is what fails it
        {
            await Task.Delay(100);
            written = await OperationsAsync(platform.ConnectionString, key);
        }
        Assert.Equal(Enumerable.Repeat(LookupAudit.Operation("consistent"), 2), written);
    }

    [Fact]
    public async Task The_host_waits_for_single_lookups_still_being_answered_before_the_audit_writer_closes_its_queue()
    {
        await using var platform = new PlatformFactory();
        await platform.InitializeAsync();
        // The host stops its services one by one in reverse order of registration: the drain must come after the writer.
        var services = platform.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.True(services.IndexOf(typeof(SingleLookupsDrain)) > services.IndexOf(typeof(LookupAuditWriter)),
            string.Join(", ", services.Select(s => s.Name)));
        Assert.Contains(typeof(LookupAuditWriter), services);
        Assert.False(platform.Services.GetRequiredService<IOptions<HostOptions>>().Value.ServicesStopConcurrently);
    }

    private static async Task<List<string>> OperationsAsync(string connectionString, string subject)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand("select operation from platform.audit_entry where subjects @> array[$1] order by seq");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        await using var reader = await command.ExecuteReaderAsync();
        var operations = new List<string>();
        while (await reader.ReadAsync())
        {
            operations.Add(reader.GetString(0));
        }
        return operations;
    }
}
