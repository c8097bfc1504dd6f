using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Bench;

/// <summary>
/// A run of wrk (Debian's; ops/bench installs it) with 2 threads against one URL, read back from its report: requests/s,
/// p50 and p99, requests, answers other than 2xx/3xx and socket errors, and the CPU time per request of the process that
/// answered and of PostgreSQL over the run (steadier than requests/s on a shared machine).
/// </summary>
public static partial class Wrk
{
    /// <summary>A run's figures; <see cref="P90Ms"/> and <see cref="MaxMs"/> say whether a p99 is a spread or a few stalls.</summary>
    public sealed record Run(double Rps, double P50Ms, double P99Ms, long Requests, long Errors, bool SocketErrors, double CpuMsPerRequest,
        double DatabaseCpuMsPerRequest, double P90Ms, double MaxMs);

    /// <summary>
    /// wrk on <paramref name="url"/> for <paramref name="seconds"/> at <paramref name="connections"/>, with a bearer
    /// <paramref name="token"/> if given, a Lua <paramref name="script"/> (<c>-s</c>, such as one that posts a body per
    /// request) and wrk's <paramref name="timeout"/> (its default is 2 s); CPU is read from <paramref name="serverPid"/>
    /// and the cluster of <paramref name="postmaster"/>.
    /// </summary>
    public static async Task<Run> RunAsync(string url, string? token, int seconds, int connections, int serverPid, int postmaster,
        string? script = null, string? timeout = null)
    {
        List<string> args = ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency"];
        if (timeout is not null)
        {
            args.AddRange(["--timeout", timeout]);
        }
        if (script is not null)
        {
            args.AddRange(["-s", script]);
        }
        if (token is not null)
        {
            args.AddRange(["-H", $"Authorization: Bearer {token}"]);
        }
        args.Add(url);
        var (cpuBefore, databaseBefore) = (ServerWatch.CpuSeconds(serverPid), ServerWatch.ClusterCpuSeconds(postmaster));
        using var wrk = Process.Start(new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true })
                        ?? throw new InvalidOperationException("wrk did not start; ops/bench installs it.");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        var errors = await wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk on {url} failed: {errors}{output}");
        }
        var requests = long.Parse(Required(RequestsLine(), output, "requests in"), CultureInfo.InvariantCulture);
        var cpu = (ServerWatch.CpuSeconds(serverPid) - cpuBefore) * 1000 / Math.Max(1, requests);
        var databaseCpu = (ServerWatch.ClusterCpuSeconds(postmaster) - databaseBefore) * 1000 / Math.Max(1, requests);
        return new Run(double.Parse(Required(RequestsPerSecond(), output, "Requests/sec"), CultureInfo.InvariantCulture),
            Milliseconds(output, "50%"), Milliseconds(output, "99%"), requests,
            NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            output.Contains("Socket errors", StringComparison.Ordinal), cpu, databaseCpu, Milliseconds(output, "90%"), MaxLatency(output));
    }

    private static string Required(Regex pattern, string output, string what) =>
        pattern.Match(output) is { Success: true } match ? match.Groups[1].Value
            : throw new InvalidOperationException($"wrk's report has no '{what}' line:\n{output}");

    /// <summary>A latency percentile of wrk's distribution (<c>99%   12.34ms</c>; units us, ms or s) in milliseconds.</summary>
    private static double Milliseconds(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk's report has no '{percentile}' line:\n{output}");
        }
        return InMilliseconds(match);
    }

    /// <summary>The slowest request, from wrk's thread statistics (<c>Latency  5.1ms  2.3ms  80.12ms  90.00%</c>), in milliseconds.</summary>
    private static double MaxLatency(string output)
    {
        var match = Regex.Match(output, @"^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk's report has no 'Latency' line:\n{output}");
        }
        return InMilliseconds(match);
    }

    /// <summary>A matched duration (a number, then us, ms or s) in milliseconds.</summary>
    private static double InMilliseconds(Match match)
    {
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
