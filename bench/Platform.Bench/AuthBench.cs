using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Bench;

/// <summary>
/// What a signed-in request costs: an authenticated <c>GET /api/me</c> (token checked, access policy asked, the caller
/// written back) driven by wrk at 50 connections, against <c>/health/live</c> (no token, no database) driven the same
/// way in the same run, the reference. Prints requests/s, latency and the CPU per request of the server and of PostgreSQL
/// for both: under a shared machine's load the CPU per request is steadier than requests/s.
/// </summary>
public static partial class AuthBench
{
    private const int Connections = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("PLATFORM_BENCH_DB")
                               ?? throw new InvalidOperationException("Run through ops/bench, which starts a throwaway PostgreSQL.");
        var seconds = Options.Value(args, "--seconds", 15);
        await using var server = await PlatformServer.StartAsync(connectionString);
        var postmaster = await IngestBench.PostmasterAsync(connectionString);
        var token = await server.TokenAsync("analyst", null);
        var baseAddress = server.Client.BaseAddress!.ToString().TrimEnd('/');
        var me = new Load("GET /api/me (analyst's bearer token)", $"{baseAddress}/api/me", token);
        var health = new Load("GET /health/live (reference)", $"{baseAddress}/health/live", null);

        // A running server has its hot paths compiled and its pools filled; neither run counts.
        await RunWrk(health, 3);
        await RunWrk(me, 3);
        var healthRun = await Measure(server, postmaster, health, seconds);
        var meRun = await Measure(server, postmaster, me, seconds);

        var ratio = meRun.Rps / healthRun.Rps;
        Console.WriteLine($"ratio /api/me to /health/live:  {ratio:F2} (target at least 0.3)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"bench":"auth","rps":{{meRun.Rps:F0}},"healthRps":{{healthRun.Rps:F0}},"ratio":{{ratio:F3}},"p99Ms":{{meRun.P99Ms:F1}},"healthP99Ms":{{healthRun.P99Ms:F1}},"cpuMsPerRequest":{{meRun.CpuMsPerRequest:F3}},"healthCpuMsPerRequest":{{healthRun.CpuMsPerRequest:F3}},"databaseCpuMsPerRequest":{{meRun.DatabaseCpuMsPerRequest:F3}}}"""));
        return 0;
    }

    private sealed record Load(string What, string Url, string? Token);

    private sealed record Run(double Rps, double P50Ms, double P99Ms, double CpuMsPerRequest, double DatabaseCpuMsPerRequest);

    private static async Task<Run> Measure(PlatformServer server, int postmaster, Load load, int seconds)
    {
        var (cpu, databaseCpu) = (ServerWatch.CpuSeconds(server.Process.Id), ServerWatch.ClusterCpuSeconds(postmaster));
        var output = await RunWrk(load, seconds);
        (cpu, databaseCpu) = (ServerWatch.CpuSeconds(server.Process.Id) - cpu, ServerWatch.ClusterCpuSeconds(postmaster) - databaseCpu);
        var requests = double.Parse(Required(RequestsLine(), output, "requests in"), CultureInfo.InvariantCulture);
        var run = new Run(
            double.Parse(Required(RpsLine(), output, "Requests/sec"), CultureInfo.InvariantCulture),
            Milliseconds(Required(Percentile50(), output, "50%")),
            Milliseconds(Required(Percentile99(), output, "99%")),
            cpu * 1000 / requests,
            databaseCpu * 1000 / requests);
        Console.WriteLine($"{load.What,-40} {run.Rps,10:N0} requests/s  p50 {run.P50Ms:F1} ms  p99 {run.P99Ms:F1} ms  " +
                          $"CPU per request: server {run.CpuMsPerRequest:F3} ms, PostgreSQL {run.DatabaseCpuMsPerRequest:F3} ms  ({requests:N0} in {seconds} s, {Connections} connections)");
        return run;
    }

    /// <summary>wrk's report; any answer but 2xx/3xx (a refused token) fails the run, since refusals are cheap and would flatter it.</summary>
    private static async Task<string> RunWrk(Load load, int seconds)
    {
        var start = new ProcessStartInfo("wrk", ["-t", "2", "-c", Connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds}s", "--latency", load.Url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (load.Token is not null)
        {
            start.ArgumentList.Insert(0, $"Authorization: Bearer {load.Token}");
            start.ArgumentList.Insert(0, "-H");
        }
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start; ops/bench installs it.");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        var errors = await wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0 || output.Contains("Non-2xx or 3xx responses", StringComparison.Ordinal) || output.Contains("Socket errors", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk on {load.Url} did not get only successful answers:\n{output}{errors}");
        }
        return output;
    }

    private static string Required(Regex pattern, string output, string what) =>
        pattern.Match(output) is { Success: true } match ? match.Groups[1].Value
            : throw new InvalidOperationException($"wrk's report has no '{what}' line:\n{output}");

    private static double Milliseconds(string latency)
    {
        var unit = latency.TrimStart("0123456789.".ToCharArray());
        var value = double.Parse(latency[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => throw new InvalidOperationException($"wrk gave a latency in an unknown unit: {latency}"),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RpsLine();

    [GeneratedRegex(@"\n\s*([0-9]+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"\n\s*50%\s+([0-9.]+[a-z]+)")]
    private static partial Regex Percentile50();

    [GeneratedRegex(@"\n\s*99%\s+([0-9.]+[a-z]+)")]
    private static partial Regex Percentile99();
}
