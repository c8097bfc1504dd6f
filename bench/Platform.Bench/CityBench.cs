using System.Diagnostics;
using System.Globalization;
using Platform.City;
using Platform.Templates.Schema;

namespace Platform.Bench;

/// <summary>
/// The city generator (issue 11) writing a whole city: to <c>--out DIR</c>, or to nowhere (every row still formatted),
/// timed, with the process's peak RSS, which must stay flat however many businesses. <c>--clean</c> plants nothing;
/// the ledger is written beside the files as <c>ledger.csv</c>.
/// </summary>
public static class CityBench
{
    public static int Run(string[] args)
    {
        var businesses = Options.Value(args, "--businesses", 1_000_000);
        var months = Options.Value(args, "--months", 12);
        var at = Array.IndexOf(args, "--out");
        var directory = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        var options = new CityOptions
        {
            Businesses = businesses, Months = months, LastPeriod = Period.Parse("2026-10"), Seed = Options.Value(args, "--seed", 11),
            PlantDiscrepancies = !args.Contains("--clean"),
        };

        var watch = Stopwatch.StartNew();
        var city = GeneratedCity.Generate(options);
        var files = directory is null ? city.Write((_, _) => TextWriter.Null) : city.WriteTo(directory);
        if (directory is not null)
        {
            File.WriteAllLines(Path.Combine(directory, "ledger.csv"),
                ["rule,subject,period,amount_at_risk,why", .. city.Ledger.Select(l => $"{l.Rule},{l.Subject},{l.Period},{l.AmountAtRisk:0.00},{CsvText.Cell(l.Why)}")]);
        }
        watch.Stop();
        var rows = files.Sum(f => (long)f.Rows);
        var peak = Options.PeakRssMb();
        foreach (var template in files.GroupBy(f => f.Template))
        {
            Console.WriteLine($"{template.Key,-24} {template.Sum(f => (long)f.Rows),12:N0} rows in {template.Count()} files");
        }
        Console.WriteLine($"city: {businesses:N0} businesses, {months} months, {rows:N0} rows, {city.Ledger.Count} planted leads, " +
                          $"written {(directory is null ? "to nowhere" : "under " + directory)} in {watch.Elapsed.TotalSeconds:F1} s " +
                          $"({rows / watch.Elapsed.TotalSeconds:N0} rows/s, {businesses / watch.Elapsed.TotalSeconds:N0} businesses/s)");
        Console.WriteLine($"peak RSS: {peak:F0} MB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"bench\":\"city\",\"businesses\":{businesses},\"months\":{months},\"rows\":{rows},\"seconds\":{watch.Elapsed.TotalSeconds:F1},\"rowsPerSec\":{rows / watch.Elapsed.TotalSeconds:F0},\"peakRssMb\":{peak:F0}}}"));
        return 0;
    }
}
