using System.Globalization;

namespace Platform.Bench;

public static class Options
{
    public static int Rows(string[] args, int fallback) => Value(args, "--rows", fallback);

    public static int Value(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The throwaway PostgreSQL that <c>ops/bench</c> starts for the benchmarks that need one.</summary>
    public static string Database() => Environment.GetEnvironmentVariable("PLATFORM_BENCH_DB")
                                       ?? throw new InvalidOperationException("Run through ops/bench, which starts a throwaway PostgreSQL.");

    /// <summary>The machine's load averages over 1, 5 and 15 minutes (the benchmarks share it).</summary>
    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    /// <summary>Peak resident set size (VmHWM) of this process or another, in MB.</summary>
    public static double PeakRssMb(int? processId = null) => StatusMb(processId, "VmHWM:");

    /// <summary>Resident set size now (VmRSS) of this process or another, in MB.</summary>
    public static double RssMb(int? processId = null) => StatusMb(processId, "VmRSS:");

    private static double StatusMb(int? processId, string name)
    {
        foreach (var line in File.ReadLines(processId is { } pid ? $"/proc/{pid}/status" : "/proc/self/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return double.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
