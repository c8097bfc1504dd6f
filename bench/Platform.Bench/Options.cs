using System.Globalization;

namespace Platform.Bench;

public static class Options
{
    public static int Rows(string[] args, int fallback)
    {
        var at = Array.IndexOf(args, "--rows");
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Peak resident set size (VmHWM) of this process or another, in MB.</summary>
    public static double PeakRssMb(int? processId = null)
    {
        foreach (var line in File.ReadLines(processId is { } pid ? $"/proc/{pid}/status" : "/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
