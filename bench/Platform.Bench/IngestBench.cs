using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Platform.City;
using Platform.Templates.Schema;
using Sylvan.Data.Csv;

namespace Platform.Bench;

/// <summary>
/// A generated business-registrations file (the opening register of a generated city) sent as an upload through the platform's own HTTP endpoint and worker,
/// timed from the first byte sent to the accepted receipt; then, in the same run on the same rows, raw Npgsql binary
/// COPY of the same cells into a plain table, the physical reference.
/// </summary>
public static class IngestBench
{
    internal const string Header =
        "uscc,name,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period";

    public static async Task<int> RunAsync(int rows)
    {
        var connectionString = Options.Database();
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

        await using var server = await PlatformServer.StartAsync(connectionString);
        return await MeasureAsync(server, connectionString, path, rows, copyRate);
    }

    private static async Task<int> MeasureAsync(PlatformServer server, string connectionString, string path, int rows, double copyRate)
    {
        await WarmUp(server, int.TryParse(Environment.GetEnvironmentVariable("PLATFORM_BENCH_WARMUP"), out var w) ? w : Math.Min(rows, WarmUpRows));
        var postmaster = await PostmasterAsync(connectionString);
        var (serverCpu, databaseCpu) = (ServerWatch.CpuSeconds(server.Process.Id), ServerWatch.ClusterCpuSeconds(postmaster));
        var watch = Stopwatch.StartNew();
        var id = await server.UploadAsync(path, "2024-03");
        Console.WriteLine($"upload stored and receipted in {watch.Elapsed.TotalSeconds:F2} s (server peak RSS so far {Options.PeakRssMb(server.Process.Id):F0} MB)");
        var receipt = await server.FinalReceiptAsync(id);
        watch.Stop();
        Console.WriteLine($"receipt: {receipt.GetProperty("status").GetString()}, {receipt.GetProperty("rowsAccepted").GetInt32():N0} accepted, " +
                          $"{receipt.GetProperty("rowsRejected").GetInt32():N0} rejected, checked and applied in " +
                          $"{receipt.GetProperty("processingSeconds").GetDouble():F1} s after the upload was stored");
        if (receipt.GetProperty("status").GetString() != "accepted" || receipt.GetProperty("rowsAccepted").GetInt32() != rows)
        {
            Console.Error.WriteLine($"ingest bench: the upload was not accepted whole, so there is no figure to give; receipt: {receipt}");
            return 1;
        }
        (serverCpu, databaseCpu) = (ServerWatch.CpuSeconds(server.Process.Id) - serverCpu, ServerWatch.ClusterCpuSeconds(postmaster) - databaseCpu);
        var ingestRate = rows / watch.Elapsed.TotalSeconds;
        var peak = Options.PeakRssMb(server.Process.Id);

        Console.WriteLine($"platform ingest (upload to accepted): {ingestRate,10:N0} rows/s  ({watch.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"raw binary COPY (reference, best of 3): {copyRate,8:N0} rows/s");
        Console.WriteLine($"ratio ingest/COPY:                   {ingestRate / copyRate:F2}");
        Console.WriteLine($"platform server peak RSS:            {peak:F0} MB");
        Console.WriteLine($"CPU time during the ingest:          server {serverCpu:F1} s, PostgreSQL {databaseCpu:F1} s (steadier than wall time on a busy machine)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"ingest\",\"rows\":{rows},\"rowsPerSec\":{ingestRate:F0},\"copyRowsPerSec\":{copyRate:F0},\"ratio\":{ingestRate / copyRate:F3},\"peakRssMb\":{peak:F0},\"serverCpuSec\":{serverCpu:F1},\"postgresCpuSec\":{databaseCpu:F1}}}"));
        return 0;
    }

    private const int WarmUpRows = 50_000;

    /// <summary>The PostgreSQL server process whose children are the backends, found as a backend's parent.</summary>
    internal static async Task<int> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        return ServerWatch.ParentOf((int)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// A submission of the same kind first (another period, so no key is shared), timed apart: a server that has run a
    /// while has compiled its hot paths to optimised code (tiered JIT); measured cold, about a fifth of the run went to
    /// the JIT. The figure is what a running platform does, the warm-up what its first file costs. After it, the server is
    /// left to go idle: the runtime keeps compiling start-up's methods to optimised code for some seconds after a busy
    /// start (about 7,000 methods and 4 s of CPU once counted), work a running platform has long done.
    /// </summary>
    internal static async Task WarmUp(PlatformServer server, int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-bench-warmup-{rows}.csv");
        if (!File.Exists(path))
        {
            await Generate(path, rows, "2024-02");
        }
        var watch = Stopwatch.StartNew();
        var id = await server.UploadAsync(path, "2024-02");
        var status = (await server.FinalReceiptAsync(id, 20)).GetProperty("status").GetString();
        // The worker keeps the register's latest records after acceptance; the measured upload must not wait behind that.
        await using (var data = NpgsqlDataSource.Create(Options.Database()))
        {
            await CompareBench.LatestCaughtUpAsync(data);
        }
        var cold = watch.Elapsed;
        var (waited, idle) = await ServerWatch.SettledAsync(server.Process.Id, TimeSpan.FromSeconds(60));
        Console.WriteLine($"warm-up: {rows:N0} rows of another period, {status}, in {cold.TotalSeconds:F1} s (cold server: {rows / cold.TotalSeconds:N0} rows/s); " +
                          (idle ? $"server idle {waited.TotalSeconds:F0} s later (the runtime's background JIT of what start-up ran)"
                                : $"server still busy after {waited.TotalSeconds:F0} s; measuring anyway"));
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

    /// <summary>
    /// The business registrations of a clean generated city of <paramref name="rows"/> businesses and one month: the
    /// opening register, one row per business (the city's other files of that month go nowhere).
    /// </summary>
    internal static Task Generate(string path, int rows, string period)
    {
        var city = GeneratedCity.Generate(new CityOptions { Businesses = rows, Months = 1, LastPeriod = Period.Parse(period), PlantDiscrepancies = false });
        city.Write((template, _) => template == "business-registrations" ? new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) : TextWriter.Null);
        return Task.CompletedTask;
    }
}
