using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.Ingest.Records;
using Platform.Templates.Checks;

namespace Platform.Bench;

/// <summary>
/// Issue 12 "Performance": the single invoice lookup (<c>POST /api/invoices/verify</c>, bearer token, daily count,
/// audit) driven by wrk at 50 connections for a fixed time, against a bare minimal-API endpoint in this process doing the
/// same primary-key look-up (<see cref="IngestRecords.InvoiceLookup"/>) with raw Npgsql, no authentication, count or
/// audit, measured in the same run. The invoices (a million by default) go in first through the upload path, as the
/// tax bureau's <c>invoices-issued</c> file. Bodies are drawn at random over all invoices (<see cref="LuaScript"/>), so a
/// run of 20 s at a few thousand requests a second looks an invoice up about once on average and the daily limit of
/// five almost never answers (the bench counts the answers that did). Then, to show what authentication costs,
/// <c>GET /api/me</c> (a token checked, nothing else) and <c>GET /health/live</c> (nothing) are driven the same way,
/// with the platform process's CPU time per request in each run.
/// </summary>
public static class InvoiceBench
{
    private const string Period = "2026-09";
    private const string LegacyCode = "4100191130";

    public static async Task<int> RunAsync(string[] args)
    {
        var invoices = Options.Value(args, "--invoices", 1_000_000);
        var seconds = Options.Value(args, "--seconds", 20);
        const int connections = 50;
        var connectionString = Options.Database();
        Console.WriteLine($"load before: {Options.Load()}");
        // One client drives every request here; the per-client limit guards a real endpoint, not this measurement.
        Environment.SetEnvironmentVariable("PLATFORM_SERVER_Invoices__LookupsPerCallerPerMinute", "1000000000");
        Environment.SetEnvironmentVariable("PLATFORM_SERVER_Invoices__LookupsPerCallerPerDay", "1000000000");
        await using var server = await PlatformServer.StartAsync(connectionString);

        var watch = Stopwatch.StartNew();
        using var bureau = await server.ClientForAsync("agency", "tax-bureau");
        var registrations = Path.Combine(Path.GetTempPath(), $"platform-bench-invoice-sellers-{Environment.ProcessId}.csv");
        await GenerateRegistrationsAsync(registrations);
        var registered = await server.FinalReceiptAsync(await server.UploadAsync(registrations, Period, "tax-registrations", bureau), 500, bureau);
        File.Delete(registrations);
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-invoices-{invoices}.csv");
        await GenerateAsync(path, invoices);
        var id = await server.UploadAsync(path, Period, IngestRecords.InvoicesTemplate, bureau);
        var receipt = await server.FinalReceiptAsync(id, 500, bureau);
        File.Delete(path);
        Console.WriteLine($"seeded {registered.GetProperty("rowsAccepted").GetInt32():N0} sellers' tax registrations " +
                          $"({registered.GetProperty("status").GetString()}) and {receipt.GetProperty("rowsAccepted").GetInt32():N0} invoices " +
                          $"({receipt.GetProperty("status").GetString()}) through the upload path in {watch.Elapsed.TotalSeconds:F0} s; load {Options.Load()}");
        await using (var data = NpgsqlDataSource.Create(connectionString))
        {
            await CompareBench.LatestCaughtUpAsync(data); // the sellers' names, which the ingest worker keeps after acceptance
            // Vacuumed as well as analysed, as after any bulk load: otherwise autovacuum takes a core for the million new
            // rows during whichever run comes first (the platform's), and the two runs do not see the same machine.
            await using var settle = data.CreateCommand("vacuum (analyze)");
            settle.CommandTimeout = 600;
            await settle.ExecuteNonQueryAsync();
        }

        var token = server.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        var agency = await server.ClientForAsync("agency", "finance");
        var agencyToken = agency.DefaultRequestHeaders.Authorization!.Parameter!;
        var script = Path.Combine(Path.GetTempPath(), $"platform-bench-invoices-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, LuaScript(invoices));
        await using var bare = await BareEndpoint.StartAsync(connectionString);
        try
        {
            var platformUrl = server.Client.BaseAddress!.ToString().TrimEnd('/');
            var pid = server.Process.Id;
            var postmaster = await IngestBench.PostmasterAsync(connectionString);
            await WrkAsync($"{platformUrl}/api/invoices/verify", script, agencyToken, 5, connections, pid, postmaster); // warm-up
            var lookup = await WrkAsync($"{platformUrl}/api/invoices/verify", script, agencyToken, seconds, connections, pid, postmaster);
            await AuditWrittenAsync(connectionString); // so that the next run does not share the machine with the writer
            await WrkAsync($"{bare.Url}/bare/verify", script, null, 5, connections, Environment.ProcessId, postmaster);
            var reference = await WrkAsync($"{bare.Url}/bare/verify", script, null, seconds, connections, Environment.ProcessId, postmaster);
            var me = await WrkAsync($"{platformUrl}/api/me", null, token, Math.Max(5, seconds / 2), connections, pid, postmaster);
            var health = await WrkAsync($"{platformUrl}/health/live", null, null, Math.Max(5, seconds / 2), connections, pid, postmaster);
            var limited = await CountLimitedAsync(connectionString);
            var (batchMs, oneByOneMs) = await BatchAsync(agency, invoices);

            Console.WriteLine($"load after: {Options.Load()}");
            Report("platform POST /api/invoices/verify", lookup);
            Report("bare minimal API + raw Npgsql     ", reference);
            Report("platform GET /api/me (token only) ", me);
            Report("platform GET /health/live         ", health);
            var authCpu = me.CpuMsPerRequest - health.CpuMsPerRequest;
            Console.WriteLine($"ratio lookup/bare: {lookup.Rps / reference.Rps:F2}; p99 {lookup.P99Ms:F1} ms (target ratio >= 0.5, p99 < 20 ms)");
            Console.WriteLine($"authentication: about {authCpu:F2} ms of platform CPU per request (/api/me less /health/live), " +
                              $"{100 * authCpu / lookup.CpuMsPerRequest:F0}% of a lookup's {lookup.CpuMsPerRequest:F2} ms");
            var (cpu, bareCpu) = (lookup.CpuMsPerRequest + lookup.DatabaseCpuMsPerRequest, reference.CpuMsPerRequest + reference.DatabaseCpuMsPerRequest);
            var authTotal = authCpu + me.DatabaseCpuMsPerRequest - health.DatabaseCpuMsPerRequest;
            Console.WriteLine($"CPU per request, server and PostgreSQL together (steadier than requests/s on a shared machine): lookup {cpu:F2} ms, " +
                              $"bare {bareCpu:F2} ms, ratio bare/lookup {bareCpu / cpu:F2}; authentication {authTotal:F2} ms of it " +
                              $"({100 * authTotal / cpu:F0}%), without it bare/lookup would be {bareCpu / (cpu - authTotal):F2}");
            Console.WriteLine($"lookups answered limit-reached: {limited:N0} of {lookup.Requests + 0L:N0} (invoices looked up more than five times today)");
            Console.WriteLine($"a batch of {BatchSize:N0} invoices (POST /api/invoices/verify-batch, median of 5): {batchMs:F0} ms; the same number of " +
                              $"single lookups one after another: {oneByOneMs:F0} ms; ratio {oneByOneMs / batchMs:F1}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"bench\":\"invoices\",\"rps\":{lookup.Rps:F0},\"bareRps\":{reference.Rps:F0},\"ratio\":{lookup.Rps / reference.Rps:F3},\"p50Ms\":{lookup.P50Ms:F2},\"p99Ms\":{lookup.P99Ms:F2},\"cpuMs\":{cpu:F2},\"bareCpuMs\":{bareCpu:F2},\"authCpuMs\":{authTotal:F2},\"batchMs\":{batchMs:F0},\"oneByOneMs\":{oneByOneMs:F0}}}"));
            return lookup.Errors > 0 ? 1 : 0;
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static void Report(string what, Wrk.Run run) => Console.WriteLine(
        $"{what}: {run.Rps,8:N0} requests/s  p50 {run.P50Ms,6:F2} ms  p90 {run.P90Ms,6:F2} ms  p99 {run.P99Ms,6:F2} ms  max {run.MaxMs,7:F1} ms  non-2xx {run.Errors:N0}" +
        $"  CPU/request: server {run.CpuMsPerRequest:F2} ms, PostgreSQL {run.DatabaseCpuMsPerRequest:F2} ms");

    private static Task<Wrk.Run> WrkAsync(string url, string? script, string? token, int seconds, int connections, int serverPid, int postmaster) =>
        Wrk.RunAsync(url, token, seconds, connections, serverPid, postmaster, script, timeout: "10s");

    private const int BatchSize = 1_000;

    /// <summary>
    /// A reimbursement batch's time: five batches of <see cref="BatchSize"/> random invoices (the median), against as many
    /// single lookups sent one after another by one client, the way the batch was answered before its lines shared a
    /// round trip.
    /// </summary>
    private static async Task<(double BatchMs, double OneByOneMs)> BatchAsync(HttpClient agency, int invoices)
    {
        var random = new Random(12);
        object Lookup()
        {
            var (code, number, issued, cents) = Invoice(random.NextInt64(invoices));
            return new { code = code.Length == 0 ? null : code, number, issueDate = issued, amountExcludingTax = Money(cents) };
        }
        var batches = new List<double>();
        for (var b = 0; b < 5; b++)
        {
            var lookups = Enumerable.Range(0, BatchSize).Select(_ => Lookup()).ToList();
            var watch = Stopwatch.StartNew();
            using var response = await agency.PostAsJsonAsync("/api/invoices/verify-batch", lookups);
            response.EnsureSuccessStatusCode();
            batches.Add(watch.Elapsed.TotalMilliseconds);
        }
        var oneByOne = Stopwatch.StartNew();
        for (var i = 0; i < BatchSize; i++)
        {
            using var response = await agency.PostAsJsonAsync("/api/invoices/verify", Lookup());
            response.EnsureSuccessStatusCode();
        }
        return (batches.Order().ElementAt(batches.Count / 2), oneByOne.Elapsed.TotalMilliseconds);
    }

    /// <summary>Waits until the audit trail has stopped growing for half a second: the lookups' writer has caught up.</summary>
    private static async Task AuditWrittenAsync(string connectionString)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand("select count(*) from platform.audit_entry");
        var before = -1L;
        for (var count = (long)(await command.ExecuteScalarAsync())!; count != before; count = (long)(await command.ExecuteScalarAsync())!)
        {
            before = count;
            await Task.Delay(500);
        }
    }

    private static async Task<long> CountLimitedAsync(string connectionString)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var command = data.CreateCommand("select count(*) from platform.audit_entry where operation = 'invoice.verify:limit-reached'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Invoice <c>i</c> of the bench, as both the file and <see cref="LuaScript"/> derive it: one in five fully digital
    /// (20-digit number), the rest legacy (code and the 8-digit number <c>i</c>); issued on day 1 + i mod 28 of the period;
    /// its amount in cents 10000 + 7919 i mod 9000000, negative for a red-letter invoice (i mod 100 = 3); voided when i mod 50 = 7.
    /// </summary>
    private static (string Code, string Number, string Issued, long Cents) Invoice(long i) =>
        (i % 5 == 0 ? "" : LegacyCode,
         i % 5 == 0 ? string.Create(CultureInfo.InvariantCulture, $"2441200000{i:D10}") : string.Create(CultureInfo.InvariantCulture, $"{i:D8}"),
         string.Create(CultureInfo.InvariantCulture, $"{Period}-{1 + i % 28:D2}"),
         (10_000 + 7919 * i % 9_000_000) * (i % 100 == 3 ? -1 : 1));

    private const int Sellers = 100_000;

    /// <summary>The credit codes of the sellers (and buyers) of the bench's invoices.</summary>
    private static string[] SellerCodes()
    {
        var uscc = new string[Sellers];
        for (var s = 0; s < Sellers; s++)
        {
            var first17 = string.Create(CultureInfo.InvariantCulture, $"91410100{s:D9}");
            uscc[s] = first17 + Uscc.CheckCharacter(first17);
        }
        return uscc;
    }

    /// <summary>Every seller's tax registration, so that each lookup names its seller and buyer as in a real city.</summary>
    private static async Task GenerateRegistrationsAsync(string path)
    {
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await file.WriteAsync("uscc,name,legal_rep,registered,status,tax_office,division,period\r\n");
        var uscc = SellerCodes();
        for (var s = 0; s < Sellers; s++)
        {
            await file.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{uscc[s]},开票企业{s},法人{s % 997},2015-07-01,正常,14101020000,410102,{Period}\r\n"));
        }
    }

    private static async Task GenerateAsync(string path, int invoices)
    {
        const int sellers = Sellers;
        var uscc = SellerCodes();
        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await file.WriteAsync("invoice_code,invoice_number,issued,seller_uscc,buyer_uscc,amount,tax,check_code,status,period\r\n");
        for (long i = 0; i < invoices; i++)
        {
            var (code, number, issued, cents) = Invoice(i);
            var tax = (long)Math.Round(cents * 0.13m, MidpointRounding.AwayFromZero);
            var status = i % 100 == 3 ? "红冲" : i % 50 == 7 ? "作废" : "正常";
            await file.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{code},{number},{issued},{uscc[i % sellers]},{(i % 3 == 0 ? "" : uscc[(i * 7 + 1) % sellers])},{Money(cents)},{Money(tax)},{7919 * i % 1_000_000:D6},{status},{Period}\r\n"));
        }
    }

    private static string Money(long cents) => string.Create(CultureInfo.InvariantCulture, $"{(cents < 0 ? "-" : "")}{Math.Abs(cents) / 100}.{Math.Abs(cents) % 100:D2}");

    /// <summary>
    /// wrk's script: each request a lookup of a random invoice of the <paramref name="invoices"/> (derived as
    /// <see cref="Invoice"/> does), one in ten with its amount a cent off (an <c>inconsistent</c> answer); each wrk thread
    /// seeded apart.
    /// </summary>
    private static string LuaScript(int invoices) => $$"""
        local n = {{invoices}}
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("id", threads)
        end
        function init(args)
          math.randomseed(os.time() * 1000 + id * 7919)
        end
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        function request()
          local i = math.random(0, n - 1)
          local code, number
          if i % 5 == 0 then
            number = string.format("2441200000%010d", i)
            code = "null"
          else
            number = string.format("%08d", i)
            code = '"{{LegacyCode}}"'
          end
          local cents = 10000 + (7919 * i) % 9000000
          if math.random(10) == 1 then cents = cents + 1 end
          local sign = ""
          if i % 100 == 3 then sign = "-" end
          local amount = string.format("%s%d.%02d", sign, math.floor(cents / 100), cents % 100)
          local body = string.format('{"code":%s,"number":"%s","issueDate":"{{Period}}-%02d","amountExcludingTax":"%s"}',
            code, number, 1 + i % 28, amount)
          return wrk.format(nil, nil, nil, body)
        end
        """;
}

/// <summary>
/// The reference: a minimal API in this process (Kestrel on a free loopback port, no authentication, no logging) whose
/// one endpoint reads the same JSON body, runs the same look-up over a raw Npgsql data source and writes the row as JSON.
/// </summary>
public sealed class BareEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly NpgsqlDataSource data;

    private BareEndpoint(WebApplication app, NpgsqlDataSource data, string url)
    {
        this.app = app;
        this.data = data;
        Url = url;
    }

    public string Url { get; }

    public static async Task<BareEndpoint> StartAsync(string connectionString)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        // Generic plans, as the platform's lookups have (LookupDatabase): a look-up by an array of one key is otherwise planned at every execution.
        var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c plan_cache_mode=force_generic_plan" }.ConnectionString);
        app.MapPost("/bare/verify", async (HttpContext http, CancellationToken ct) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            var code = body.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var number = body.RootElement.GetProperty("number").GetString()!;
            await using var connection = await data.OpenConnectionAsync(ct);
            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { IngestRecords.InvoiceLookup([IngestRecords.InvoiceKey(code, number)]) } };
            await batch.PrepareAsync(ct); // as the platform does
            await using var reader = await batch.ExecuteReaderAsync(ct);
            return (await IngestRecords.ReadInvoicesAsync(reader, ct)).Values.SingleOrDefault() is { } invoice ? Results.Ok(invoice) : Results.NotFound();
        });
        await app.StartAsync();
        return new BareEndpoint(app, data, url);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await data.DisposeAsync();
    }
}
