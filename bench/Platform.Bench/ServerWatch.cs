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

    /// <summary>utime and stime from /proc/PID/stat, in clock ticks of 1/100 s (USER_HZ on Linux).</summary>
    private static double CpuSeconds(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) +
                long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

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
