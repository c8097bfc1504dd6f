namespace Platform.Bench;

/// <summary>
/// The peak resident set size and the CPU time of a process over one phase. VmHWM is the peak since the process started, so each phase
/// resets it first (writing 5 to /proc/PID/clear_refs sets VmHWM to the current RSS, Linux 4.0 and later); VmRSS is
/// also sampled every 50 ms, which still gives a figure (a lower bound) where the reset is not allowed.
/// </summary>
public sealed class ServerWatch : IAsyncDisposable
{
    private readonly int processId;
    private readonly bool reset;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly double cpuAtStart;
    private double sampled;

    public ServerWatch(int processId)
    {
        this.processId = processId;
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            reset = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reset = false;
        }
        cpuAtStart = CpuSeconds(processId);
        StartMb = Options.RssMb(processId);
        sampled = StartMb;
        sampling = Task.Run(Sample);
    }

    /// <summary>The RSS when the watch began, in MB.</summary>
    public double StartMb { get; }

    /// <summary>False when VmHWM could not be reset and the peak is the sampled one only.</summary>
    public bool IsExact => reset;

    /// <summary>The peak RSS of the process since this watch began, in MB.</summary>
    public double PeakMb => Math.Max(sampled, reset ? Options.PeakRssMb(processId) : 0);

    /// <summary>CPU time (user and system) the process has used since this watch began, in seconds.</summary>
    public double CpuSeconds() => CpuSeconds(processId) - cpuAtStart;

    /// <summary>
    /// Waits until the process has used under a twentieth of a core for a whole second (at most <paramref name="atMost"/>),
    /// and returns how long it waited and whether the process went idle: after a warm-up the runtime goes on compiling
    /// what start-up ran to optimised code (tiered JIT, thousands of methods in the background), which would otherwise be
    /// counted in the measured run.
    /// </summary>
    public static async Task<(TimeSpan Waited, bool Idle)> SettledAsync(int processId, TimeSpan atMost)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var before = CpuSeconds(processId);
        while (watch.Elapsed < atMost)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = CpuSeconds(processId);
            if (now - before < 0.05)
            {
                return (watch.Elapsed, true);
            }
            before = now;
        }
        return (watch.Elapsed, false);
    }

    /// <summary>utime and stime from /proc/PID/stat, in clock ticks of 1/100 s (USER_HZ on Linux).</summary>
    public static double CpuSeconds(int processId) => Stat(processId)[11..13].Sum(Ticks) / 100.0;

    /// <summary>
    /// CPU time of a PostgreSQL cluster, in seconds: its postmaster's (its own and its exited children's: cutime, cstime)
    /// and its live backends' and background processes'.
    /// </summary>
    public static double ClusterCpuSeconds(int postmasterId)
    {
        var ticks = Stat(postmasterId)[11..15].Sum(Ticks);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == postmasterId)
            {
                continue;
            }
            try
            {
                var fields = Stat(pid);
                if (Ticks(fields[1]) == postmasterId)
                {
                    ticks += fields[11..13].Sum(Ticks);
                }
            }
            catch (IOException)
            {
                // the process ended while the list was read
            }
        }
        return ticks / 100.0;
    }

    /// <summary>The parent of a process (the postmaster of a backend).</summary>
    public static int ParentOf(int processId) => (int)Ticks(Stat(processId)[1]);

    /// <summary>The fields of /proc/PID/stat after the command name: state is 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14.</summary>
    private static string[] Stat(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static long Ticks(string field) => long.Parse(field, System.Globalization.CultureInfo.InvariantCulture);

    private async Task Sample()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                sampled = Math.Max(sampled, Options.RssMb(processId));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
