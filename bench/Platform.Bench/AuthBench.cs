using System.Globalization;

namespace Platform.Bench;

/// <summary>
/// What a signed-in request costs: an authenticated <c>GET /api/me</c> (token checked, access policy asked, the caller
/// written back) driven by wrk at 50 connections, against <c>/health/live</c> (no token, no database) driven the same
/// way in the same run, the reference. Prints requests/s, latency and the CPU per request of the server and of PostgreSQL
/// for both: under a shared machine's load the CPU per request is steadier than requests/s.
/// </summary>
public static class AuthBench
{
    private const int Connections = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var connectionString = Options.Database();
        var seconds = Options.Value(args, "--seconds", 15);
        await using var server = await PlatformServer.StartAsync(connectionString);
        var postmaster = await IngestBench.PostmasterAsync(connectionString);
        var token = await server.TokenAsync("analyst", null);
        var baseAddress = server.Client.BaseAddress!.ToString().TrimEnd('/');
        var me = new Load("GET /api/me (analyst's bearer token)", $"{baseAddress}/api/me", token);
        var health = new Load("GET /health/live (reference)", $"{baseAddress}/health/live", null);

        // A running server has its hot paths compiled and its pools filled; neither run counts.
        await RunWrk(server, postmaster, health, 3);
        await RunWrk(server, postmaster, me, 3);
        var healthRun = await Measure(server, postmaster, health, seconds);
        var meRun = await Measure(server, postmaster, me, seconds);

        var ratio = meRun.Rps / healthRun.Rps;
        Console.WriteLine($"ratio /api/me to /health/live:  {ratio:F2} (target at least 0.3)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"bench":"auth","rps":{{meRun.Rps:F0}},"healthRps":{{healthRun.Rps:F0}},"ratio":{{ratio:F3}},"p99Ms":{{meRun.P99Ms:F1}},"healthP99Ms":{{healthRun.P99Ms:F1}},"cpuMsPerRequest":{{meRun.CpuMsPerRequest:F3}},"healthCpuMsPerRequest":{{healthRun.CpuMsPerRequest:F3}},"databaseCpuMsPerRequest":{{meRun.DatabaseCpuMsPerRequest:F3}}}"""));
        return 0;
    }

    private sealed record Load(string What, string Url, string? Token);

    private static async Task<Wrk.Run> Measure(PlatformServer server, int postmaster, Load load, int seconds)
    {
        var run = await RunWrk(server, postmaster, load, seconds);
        Console.WriteLine($"{load.What,-40} {run.Rps,10:N0} requests/s  p50 {run.P50Ms:F1} ms  p99 {run.P99Ms:F1} ms  " +
                          $"CPU per request: server {run.CpuMsPerRequest:F3} ms, PostgreSQL {run.DatabaseCpuMsPerRequest:F3} ms  ({run.Requests:N0} in {seconds} s, {Connections} connections)");
        return run;
    }

    /// <summary>A run of wrk; any answer but 2xx/3xx (a refused token) fails it, since refusals are cheap and would flatter it.</summary>
    private static async Task<Wrk.Run> RunWrk(PlatformServer server, int postmaster, Load load, int seconds)
    {
        var run = await Wrk.RunAsync(load.Url, load.Token, seconds, Connections, server.Process.Id, postmaster);
        return run.Errors > 0 || run.SocketErrors
            ? throw new InvalidOperationException($"wrk on {load.Url} did not get only successful answers: {run.Errors} not 2xx/3xx, socket errors {run.SocketErrors}")
            : run;
    }
}
