using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Api.Auth;
using Sylvan.Data.Csv;

namespace Platform.Bench;

/// <summary>
/// A generated business-registrations file sent as an upload through the platform's own HTTP endpoint and worker,
/// timed from the first byte sent to the accepted receipt; then, in the same run on the same rows, raw Npgsql binary
/// COPY of the same cells into a plain table, the physical reference.
/// </summary>
public static class IngestBench
{
    private const string Header =
        "uscc,name,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period";

    public static async Task<int> RunAsync(int rows)
    {
        var connectionString = Environment.GetEnvironmentVariable("PLATFORM_BENCH_DB")
                               ?? throw new InvalidOperationException("Run through ops/bench, which starts a throwaway PostgreSQL.");
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-ingest-{rows}.csv");
        if (!File.Exists(path))
        {
            await Generate(path, rows, "2024-03");
        }
        Console.WriteLine($"file: {new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB, {rows:N0} rows of business registrations (13 fields)");

        // The reference first, on a quiet server, best of three: the most the hardware does with these rows.
        var copyRate = 0.0;
        for (var run = 0; run < 3; run++)
        {
            copyRate = Math.Max(copyRate, await CopyReference(connectionString, path, rows));
        }

        var data = Directory.CreateTempSubdirectory("platform-bench-data-");
        using var server = StartServer(connectionString, data.FullName, out var baseAddress);
        try
        {
            return await MeasureAsync(server, baseAddress, path, rows, copyRate);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            data.Delete(recursive: true);
        }
    }

    private static async Task<int> MeasureAsync(Process server, Uri baseAddress, string path, int rows, double copyRate)
    {
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromHours(1) };
        await WaitUntilReady(client, server);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await Token(client, server.StartInfo.Environment["Platform__DataDirectory"]!));

        await WarmUp(client, int.TryParse(Environment.GetEnvironmentVariable("PLATFORM_BENCH_WARMUP"), out var w) ? w : Math.Min(rows, WarmUpRows));
        var watch = Stopwatch.StartNew();
        await using (var file = File.OpenRead(path))
        {
            using var content = new StreamContent(file, 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            using var sent = await client.PostAsync("/api/submissions?template=business-registrations&version=1&period=2024-03", content);
            sent.EnsureSuccessStatusCode();
            Console.WriteLine($"upload stored and receipted in {watch.Elapsed.TotalSeconds:F2} s (server peak RSS so far {Options.PeakRssMb(server.Id):F0} MB)");
            var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            JsonElement receipt;
            do
            {
                await Task.Delay(50);
                receipt = await client.GetFromJsonAsync<JsonElement>($"/api/submissions/{id}");
            }
            while (receipt.GetProperty("status").GetString() is "received" or "validating");
            watch.Stop();
            Console.WriteLine($"receipt: {receipt.GetProperty("status").GetString()}, {receipt.GetProperty("rowsAccepted").GetInt32():N0} accepted, " +
                              $"{receipt.GetProperty("rowsRejected").GetInt32():N0} rejected, checked and applied in " +
                              $"{receipt.GetProperty("processingSeconds").GetDouble():F1} s after the upload was stored");
        }
        var ingestRate = rows / watch.Elapsed.TotalSeconds;
        var peak = Options.PeakRssMb(server.Id);

        Console.WriteLine($"platform ingest (upload to accepted): {ingestRate,10:N0} rows/s  ({watch.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"raw binary COPY (reference, best of 3): {copyRate,8:N0} rows/s");
        Console.WriteLine($"ratio ingest/COPY:                   {ingestRate / copyRate:F2}");
        Console.WriteLine($"platform server peak RSS:            {peak:F0} MB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"ingest\",\"rows\":{rows},\"rowsPerSec\":{ingestRate:F0},\"copyRowsPerSec\":{copyRate:F0},\"ratio\":{ingestRate / copyRate:F3},\"peakRssMb\":{peak:F0}}}"));
        return 0;
    }

    /// <summary>The platform as deployed: its own process (Platform.Api.dll beside this bench), on a free loopback port.</summary>
    private static Process StartServer(string connectionString, string dataDirectory, out Uri baseAddress)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Platform.Api.dll"), "--urls", baseAddress.ToString()])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PLATFORM_DB"] = connectionString,
                ["Platform__DataDirectory"] = dataDirectory,
                ["Platform__ApplySchemaOnStart"] = "true",
                ["Platform__SeedDemoData"] = "true",
                ["Platform__AllowHttp"] = "true",
                ["Logging__LogLevel__Default"] = "Error",
                ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "None",
                ["Ingest__PollInterval"] = "00:00:00.100",
            },
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("PLATFORM_SERVER_", StringComparison.Ordinal)))
        {
            start.Environment[name["PLATFORM_SERVER_".Length..]] = Environment.GetEnvironmentVariable(name);
        }
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        return server;
    }

    private static async Task WaitUntilReady(HttpClient client, Process server)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException("The platform exited during start-up.");
            }
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The platform did not become ready in a minute.");
    }

    private const int WarmUpRows = 50_000;

    /// <summary>
    /// A submission of the same kind first (another period, so no key is shared), timed apart: a server that has run a
    /// while has compiled its hot paths to optimised code (tiered JIT); measured cold, about a fifth of the run went to
    /// the JIT. The figure is what a running platform does, the warm-up what its first file costs.
    /// </summary>
    private static async Task WarmUp(HttpClient client, int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-warmup-{rows}.csv");
        if (!File.Exists(path))
        {
            await Generate(path, rows, "2024-02");
        }
        var watch = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        using var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var sent = await client.PostAsync("/api/submissions?template=business-registrations&version=1&period=2024-02", content);
        sent.EnsureSuccessStatusCode();
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        string? status;
        while ((status = (await client.GetFromJsonAsync<JsonElement>($"/api/submissions/{id}")).GetProperty("status").GetString()) is "received" or "validating")
        {
            await Task.Delay(20);
        }
        Console.WriteLine($"warm-up: {rows:N0} rows of another period, {status}, in {watch.Elapsed.TotalSeconds:F1} s (cold server: {rows / watch.Elapsed.TotalSeconds:N0} rows/s)");
    }

    private static async Task<string> Token(HttpClient client, string dataDirectory)
    {
        var credentials = JsonSerializer.Deserialize<DemoCredentials>(
            await File.ReadAllTextAsync(Path.Combine(dataDirectory, "demo-credentials.json")), JsonSerializerOptions.Web)!;
        var agency = credentials.Clients.First(c => c.Agency == "market-regulator");
        using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = agency.ClientId,
            ["client_secret"] = agency.ClientSecret,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>The same cells, parsed by the same CSV reader, binary-COPied as text into a plain unindexed table.</summary>
    private static async Task<double> CopyReference(string connectionString, string path, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand(
                         "drop table if exists public.bench_copy; create table public.bench_copy (" +
                         string.Join(", ", Header.Split(',').Select(c => c + " text")) + ")",
                         connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        var watch = Stopwatch.StartNew();
        using var reader = CsvDataReader.Create(path);
        using (var copy = connection.BeginBinaryImport($"COPY bench_copy ({Header}) FROM STDIN (FORMAT BINARY)"))
        {
            while (reader.Read())
            {
                copy.StartRow();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    copy.Write(reader.GetString(i), NpgsqlDbType.Text);
                }
            }
            copy.Complete();
        }
        watch.Stop();
        await using (var drop = new NpgsqlCommand("drop table public.bench_copy", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }
        return rows / watch.Elapsed.TotalSeconds;
    }

    private static async Task Generate(string path, int rows, string period)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(Header);
        var line = new StringBuilder(256);
        for (var i = 0; i < rows; i++)
        {
            var first17 = string.Create(CultureInfo.InvariantCulture, $"91410100{i:D9}");
            line.Clear()
                .Append(first17).Append(Platform.Templates.Checks.Uscc.CheckCharacter(first17)).Append(',')
                .Append("郑州测试商贸有限公司").Append(i).Append(',')
                .Append("张三,11010519491231002X,2015-06-").Append((i % 28 + 1).ToString("00", CultureInfo.InvariantCulture))
                .Append(i % 10 == 0 ? ",注销,2023-12-31,," : ",存续,,,")
                .Append("410102,河南省郑州市中原区建设路").Append(i % 1000).Append("号,F5211,")
                .Append((i % 10_000) + 0.5m).Append(',').Append(period);
            await writer.WriteLineAsync(line);
        }
    }
}
