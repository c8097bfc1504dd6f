using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Platform.Bench;

/// <summary>
/// The lead table rebuilt from the lead streams by <c>leads rebuild</c>, run as an operator runs it (the platform's own
/// build, as a process; the time is the one it prints, its transaction's), against copying the table's rows into a
/// table of the same columns and indexes (reference: the same rows written once, no event read). Part of
/// <c>ops/bench compare</c>, over the leads its runs raised.
/// </summary>
public static partial class LeadRebuildBench
{
    public static async Task RunAsync(string connectionString, NpgsqlDataSource data)
    {
        var scratch = Directory.CreateTempSubdirectory("lead-rebuild-");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Platform.Api.dll"), "leads", "rebuild"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            Environment =
            {
                ["PLATFORM_DB"] = connectionString,
                ["Platform__DataDirectory"] = scratch.FullName,
                ["Logging__LogLevel__Default"] = "Error",
            },
        };
        using var rebuild = Process.Start(start)!;
        var output = (await rebuild.StandardOutput.ReadToEndAsync()).Trim();
        await rebuild.WaitForExitAsync();
        scratch.Delete(recursive: true);
        var said = Said().Match(output);
        if (rebuild.ExitCode != 0 || !said.Success)
        {
            throw new InvalidOperationException($"leads rebuild failed ({rebuild.ExitCode}): {output}");
        }
        var (leads, events, seconds) = (long.Parse(said.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(said.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(said.Groups[3].Value, CultureInfo.InvariantCulture));

        await using (var like = data.CreateCommand("create table bench_lead_copy (like platform.lead including all)"))
        {
            await like.ExecuteNonQueryAsync();
        }
        var watch = Stopwatch.StartNew();
        await using (var copy = data.CreateCommand("insert into bench_lead_copy select * from platform.lead"))
        {
            copy.CommandTimeout = 0;
            await copy.ExecuteNonQueryAsync();
        }
        var reference = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"leads rebuild (one transaction, {leads:N0} leads from {events:N0} events): {seconds,7:F2} s");
        Console.WriteLine($"the rows copied into a table of the same indexes (reference):       {reference,7:F2} s");
        Console.WriteLine($"ratio rebuild/reference: {seconds / reference:F1}   load {Options.Load()}");
        Console.WriteLine(CompareBench.Json($"{{\"bench\":\"lead-rebuild\",\"leads\":{leads},\"events\":{events},\"rebuildSeconds\":{seconds:F2},\"copySeconds\":{reference:F2},\"ratio\":{seconds / reference:F1}}}"));
    }

    [GeneratedRegex(@"^Lead table rebuilt: (\d+) leads from (\d+) events in (\d+\.\d\d) s\.$")]
    private static partial Regex Said();
}
