using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Platform.Bench;

/// <summary>
/// Files that are almost all problems, sent as uploads through the platform running as its own process: wrong cells in
/// every row, and millions of one-cell rows. Each is measured for time to its final receipt, the server's peak RSS,
/// the database's growth, and its error report as JSON, CSV and xlsx; the reference is a valid file of the same number
/// of rows, ingested in the same run by the same server.
/// </summary>
public static class HostileFilesBench
{
    private const double TargetPeakRssMb = 400;
    private const double TargetGrowthMb = 5;

    private sealed record Case(string Name, string Description, string Path, string Period, int Rows, bool Hostile);

    private sealed record ReportFigures(string Format, double Seconds, long Bytes, double PeakRssMb);

    private sealed record Figures(Case File, string Status, int Problems, int Listed, double Seconds, double PeakRssMb, double GrowthMb,
        double PlatformTablesGrowthMb, List<(string Table, double Mb)> Grew, List<ReportFigures> Reports);

    public static async Task<int> RunAsync(int rows)
    {
        var connectionString = Options.Database();
        var oneCellRows = rows * 10;
        var reference = Path.Combine(Path.GetTempPath(), $"platform-bench-ingest-{rows}.csv");
        var wrong = Path.Combine(Path.GetTempPath(), $"platform-bench-wrong-{rows}.csv");
        var oneCell = Path.Combine(Path.GetTempPath(), $"platform-bench-one-cell-{oneCellRows}.csv");
        if (!File.Exists(reference))
        {
            await IngestBench.Generate(reference, rows, "2024-03");
        }
        if (!File.Exists(wrong))
        {
            await GenerateWrong(wrong, rows, "2024-04");
        }
        if (!File.Exists(oneCell))
        {
            await GenerateOneCell(oneCell, oneCellRows);
        }
        Case[] cases =
        [
            new("valid", "valid rows (reference, IngestBench's generator)", reference, "2024-03", rows, false),
            new("wrong", "rows with 2-3 wrong cells each (a date as 2015/6/1, a status not in the list, every third a USCC check character)",
                wrong, "2024-04", rows, true),
            new("oneCell", "one-cell rows (\"xx\": 12 missing cells each)", oneCell, "2024-05", oneCellRows, true),
        ];

        // Times on a shared machine depend on what else runs; the figures that matter here are memory and bytes.
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start");
        await using var server = await PlatformServer.StartAsync(connectionString);
        await IngestBench.WarmUp(server, int.TryParse(Environment.GetEnvironmentVariable("PLATFORM_BENCH_WARMUP"), out var w) ? w : 50_000);
        var figures = new List<Figures>();
        foreach (var file in cases)
        {
            Console.WriteLine();
            Console.WriteLine($"{file.Name}: {new FileInfo(file.Path).Length / 1024.0 / 1024.0:F1} MB, {file.Rows:N0} {file.Description}");
            figures.Add(await MeasureAsync(server, connectionString, file));
        }
        Print(figures);
        return 0;
    }

    private static async Task<Figures> MeasureAsync(PlatformServer server, string connectionString, Case file)
    {
        var before = await TableSizes(connectionString);
        var watch = Stopwatch.StartNew();
        JsonElement receipt;
        double peak;
        double start;
        double cpu;
        await using (var observed = new ServerWatch(server.Process.Id))
        {
            var id = await server.UploadAsync(file.Path, file.Period);
            receipt = await server.FinalReceiptAsync(id);
            watch.Stop();
            peak = observed.PeakMb;
            start = observed.StartMb;
            cpu = observed.CpuSeconds();
            if (!observed.IsExact)
            {
                Console.WriteLine("  (VmHWM could not be reset: peak RSS is VmRSS sampled every 50 ms)");
            }
        }
        var after = await TableSizes(connectionString);
        var grew = after.Tables.Select(t => (Table: t.Key, Mb: (t.Value - before.Tables.GetValueOrDefault(t.Key)) / 1024.0 / 1024.0))
            .Where(t => t.Mb >= 0.1).OrderByDescending(t => t.Mb).ToList();
        var figures = new Figures(file, receipt.GetProperty("status").GetString()!, receipt.GetProperty("problems").GetInt32(),
            receipt.GetProperty("problemsListed").GetInt32(), watch.Elapsed.TotalSeconds, peak,
            (after.Database - before.Database) / 1024.0 / 1024.0, (after.Tables.Values.Sum() - before.Tables.Values.Sum()) / 1024.0 / 1024.0,
            grew, []);
        Console.WriteLine($"  receipt: {figures.Status}, {receipt.GetProperty("rowsAccepted").GetInt32():N0} accepted, " +
                          $"{receipt.GetProperty("rowsRejected").GetInt32():N0} rejected, {figures.Problems:N0} problems ({figures.Listed:N0} listed) " +
                          $"in {figures.Seconds:F1} s from the first byte sent (server CPU {cpu:F1} s)");
        Console.WriteLine($"  server peak RSS: {peak:F0} MB (from {start:F0} MB); database grew {figures.GrowthMb:F1} MB " +
                          $"(platform tables {figures.PlatformTablesGrowthMb:F1} MB: {string.Join(", ", grew.Select(g => $"{g.Table} {g.Mb:F1}"))})");

        var reports = new List<ReportFigures>();
        foreach (var format in new[] { "json", "csv", "xlsx" })
        {
            var report = await GetReport(server, receipt.GetProperty("errorsUrl").GetString()!, format);
            Console.WriteLine($"  error report {format,-4}: {report.Bytes / 1024.0 / 1024.0,7:F2} MB in {report.Seconds,5:F2} s, server peak RSS {report.PeakRssMb:F0} MB");
            reports.Add(report);
        }
        return figures with { Reports = reports };
    }

    /// <summary>The whole report read as a stream and counted, not kept.</summary>
    private static async Task<ReportFigures> GetReport(PlatformServer server, string url, string format)
    {
        await using var observed = new ServerWatch(server.Process.Id);
        var watch = Stopwatch.StartNew();
        using var response = await server.Client.GetAsync(format == "json" ? url : $"{url}?format={format}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
        }
        watch.Stop();
        return new ReportFigures(format, watch.Elapsed.TotalSeconds, bytes, observed.PeakMb);
    }

    /// <summary>The database's size on disk after a checkpoint, and each table's in the platform schema (with indexes and TOAST).</summary>
    private static async Task<(long Database, Dictionary<string, long> Tables)> TableSizes(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var checkpoint = new NpgsqlCommand("checkpoint", connection))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand(
            "select c.relname, pg_total_relation_size(c.oid), pg_database_size(current_database()) from pg_class c " +
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'platform' and c.relkind in ('r', 'm')", connection);
        var tables = new Dictionary<string, long>();
        long database = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables[reader.GetString(0)] = reader.GetInt64(1);
            database = reader.GetInt64(2);
        }
        return (database, tables);
    }

    private static void Print(List<Figures> figures)
    {
        var reference = figures.Single(f => !f.File.Hostile);
        Console.WriteLine();
        Console.WriteLine($"targets for the hostile files: server peak RSS under {TargetPeakRssMb:F0} MB (processing and every report), " +
                          $"database growth of a few MB (here: at most {TargetGrowthMb:F0} MB)");
        Console.WriteLine($"{"file",-8} {"time s",7} {"peak MB",8} {"RSS/ref",8} {"DB MB",7} {"json MB",8} {"s",5} {"csv MB",7} {"s",5} {"xlsx MB",8} {"s",5} {"report peak MB",15}  targets");
        foreach (var f in figures)
        {
            var json = f.Reports[0];
            var csv = f.Reports[1];
            var xlsx = f.Reports[2];
            var reportPeak = f.Reports.Max(r => r.PeakRssMb);
            var verdict = !f.File.Hostile ? "(reference)"
                : Math.Max(f.PeakRssMb, reportPeak) < TargetPeakRssMb && f.GrowthMb <= TargetGrowthMb ? "met"
                : $"NOT met ({string.Join(", ", Misses(f, reportPeak))})";
            Console.WriteLine($"{f.File.Name,-8} {f.Seconds,7:F1} {f.PeakRssMb,8:F0} {f.PeakRssMb / reference.PeakRssMb,8:F2} {f.GrowthMb,7:F1} " +
                              $"{json.Bytes / 1048576.0,8:F2} {json.Seconds,5:F2} {csv.Bytes / 1048576.0,7:F2} {csv.Seconds,5:F2} " +
                              $"{xlsx.Bytes / 1048576.0,8:F2} {xlsx.Seconds,5:F2} {reportPeak,15:F0}  {verdict}");
        }
        var met = figures.Where(f => f.File.Hostile).All(f => !Misses(f, f.Reports.Max(r => r.PeakRssMb)).Any());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"hostile\",\"rows\":{reference.File.Rows},\"targetsMet\":{(met ? "true" : "false")},\"files\":[{string.Join(",", figures.Select(f => Json(f, reference)))}]}}"));
    }

    private static IEnumerable<string> Misses(Figures f, double reportPeak)
    {
        if (f.PeakRssMb >= TargetPeakRssMb)
        {
            yield return $"processing peak {f.PeakRssMb:F0} MB";
        }
        if (reportPeak >= TargetPeakRssMb)
        {
            yield return $"report peak {reportPeak:F0} MB";
        }
        if (f.GrowthMb > TargetGrowthMb)
        {
            yield return $"database grew {f.GrowthMb:F0} MB";
        }
    }

    private static string Json(Figures f, Figures reference)
    {
        var reports = string.Join(",", f.Reports.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"\"{r.Format}\":{{\"mb\":{r.Bytes / 1048576.0:F2},\"seconds\":{r.Seconds:F2},\"peakRssMb\":{r.PeakRssMb:F0}}}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"file\":\"{f.File.Name}\",\"rows\":{f.File.Rows},\"mb\":{new FileInfo(f.File.Path).Length / 1048576.0:F1},\"seconds\":{f.Seconds:F1}," +
            $"\"problems\":{f.Problems},\"peakRssMb\":{f.PeakRssMb:F0},\"rssRatio\":{f.PeakRssMb / reference.PeakRssMb:F2},\"dbGrowthMb\":{f.GrowthMb:F1},{reports}}}");
    }

    /// <summary>
    /// Rows of the right shape (13 cells), short like the ones of the 10 MB file in the issue, each with two or three
    /// wrong cells: established as 2015/6/1, a status not in the template's list, and every third row a USCC whose check
    /// character is wrong.
    /// </summary>
    private static async Task GenerateWrong(string path, int rows, string period)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(IngestBench.Header);
        var line = new StringBuilder(128);
        for (var i = 0; i < rows; i++)
        {
            var first17 = string.Create(CultureInfo.InvariantCulture, $"91410100{i:D9}");
            var check = Platform.Templates.Checks.Uscc.CheckCharacter(first17);
            line.Clear()
                .Append(first17).Append(i % 3 == 0 ? (check == '0' ? '1' : '0') : check)
                .Append(",n").Append(i).Append(",,,2015/6/").Append(i % 28 + 1).Append(",x,,,410102,,,,").Append(period);
            await writer.WriteLineAsync(line);
        }
    }

    /// <summary>A header, then rows of one short cell each: every row is 12 missing cells, a bad USCC and a repeated key.</summary>
    private static async Task GenerateOneCell(string path, int rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync(IngestBench.Header);
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteAsync("xx\n");
        }
    }
}
