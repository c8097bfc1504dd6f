using System.Text;
using Platform.Templates.Schema;

namespace Platform.City;

/// <summary>
/// A generated city (issue 11): businesses on the real GB/T 2260 codes of a city with valid USCCs, their registrations
/// at the market regulator and the bureau (monthly increments: a business appears in the month it is established,
/// changed or ended; the first month carries the register as it stood), VAT declarations, surcharges, invoices,
/// pharmacies' card sales, property sales by businesses and people, land grants and transfers, and, when asked, a
/// seeded set of planted discrepancies, each raising exactly one lead of its rule in RULES.md (the <see cref="Ledger"/>).
/// Deterministic: the same options give the same bytes. Each business is drawn from (seed, index) alone, so the files
/// are written in one pass that holds one business at a time, whatever the number of businesses.
/// </summary>
public sealed class GeneratedCity
{
    private const int PlantDraw = 5, PeopleDraw = 6;

    private readonly Population population;
    private readonly string[] agencies;

    private GeneratedCity(CityOptions options, Population population, IReadOnlyList<PlantedLead> ledger, string[] agencies)
    {
        Options = options;
        this.population = population;
        Ledger = ledger;
        this.agencies = agencies;
    }

    public CityOptions Options { get; }

    /// <summary>The leads the planted discrepancies raise (empty for a clean city), by rule in RULES.md's order.</summary>
    public IReadOnlyList<PlantedLead> Ledger { get; }

    public static GeneratedCity Generate(CityOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Businesses, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Months, 1, nameof(options));
        var agencies = Templates.Agencies();
        var plants = options.PlantDiscrepancies ? Plants(options) : new Dictionary<int, Plant>();
        var population = new Population(options, plants);
        var order = RuleIds.All.ToList();
        var ledger = plants.OrderBy(p => order.IndexOf(p.Value.Rule)).ThenBy(p => p.Value.Variant)
            .Select(p => PlantedLeads.Of(population.Describe(p.Key), population)).ToList();
        return new GeneratedCity(options, population, ledger, agencies);
    }

    /// <summary>Which businesses carry which discrepancy: distinct indexes drawn from the seed, and each one's month.</summary>
    private static Dictionary<int, Plant> Plants(CityOptions options)
    {
        if (options.Months < CityOptions.MonthsToPlant)
        {
            throw new ArgumentException($"Planting discrepancies needs at least {CityOptions.MonthsToPlant} months.", nameof(options));
        }
        var wanted = RuleIds.All.Count * options.PlantedPerRule;
        if (options.Businesses < wanted * 4)
        {
            throw new ArgumentException($"{wanted} planted discrepancies need at least {wanted * 4} businesses.", nameof(options));
        }
        var draw = new Draw(options.Seed, -1, PlantDraw);
        var plants = new Dictionary<int, Plant>();
        var last = options.Months - 1;
        foreach (var rule in RuleIds.All)
        {
            for (var variant = 0; variant < options.PlantedPerRule; variant++)
            {
                int index;
                do
                {
                    index = draw.Next(options.Businesses);
                }
                while (plants.ContainsKey(index));
                var month = rule switch
                {
                    RuleIds.Unregistered => variant % 2 == 0 ? draw.Between(0, last - 2) : draw.Between(1, last),
                    RuleIds.DeregisteredActive or RuleIds.Changed => draw.Between(1, last - 2),
                    RuleIds.IndustryBurden or RuleIds.TaxSourceDrop => 0,
                    _ => draw.Between(0, last),
                };
                plants[index] = new Plant(rule, variant, month);
            }
        }
        return plants;
    }

    /// <summary>
    /// Writes every file in one pass: <paramref name="open"/> is called with a template and period on that file's first
    /// row and the writer is disposed at the end. Returns the files written with their row counts, in the order to
    /// send them (by period; registrations first).
    /// </summary>
    public IReadOnlyList<CityFile> Write(Func<string, Period, TextWriter> open)
    {
        using var output = new Output(open, Options.FirstPeriod, Options.Months, agencies);
        var rows = new CityRows(population, output);
        for (var index = 0; index < Options.Businesses; index++)
        {
            var business = population.Describe(index);
            rows.Emit(business, Accounts.Of(business, population));
        }
        for (var month = 0; month < Options.Months; month++)
        {
            var draw = new Draw(Options.Seed, month, PeopleDraw);
            rows.PeoplesSales(month, Math.Max(2, Options.Businesses / 200), ref draw);
        }
        return output.Files();
    }

    /// <summary>Writes the files under <paramref name="directory"/> as <c>template/yyyy-MM.csv</c>, UTF-8 without a byte-order mark.</summary>
    public IReadOnlyList<CityFile> WriteTo(string directory) => Write((template, period) =>
    {
        Directory.CreateDirectory(Path.Combine(directory, template));
        return new StreamWriter(Path.Combine(directory, template, $"{period}.csv"), false, new UTF8Encoding(false), 1 << 16);
    });

    /// <summary>The files in memory, in the order to send them: for small cities (tests, the demo).</summary>
    public IReadOnlyList<CityCsv> ToCsv()
    {
        var texts = new Dictionary<(string, Period), StringWriter>();
        var files = Write((template, period) => texts[(template, period)] = new StringWriter());
        return [.. files.Select(f => new CityCsv(f, texts[(f.Template, f.Period)].ToString()))];
    }
}

/// <summary>One file's text: the header of field names, then a line per row.</summary>
public sealed record CityCsv(CityFile File, string Text)
{
    public byte[] Utf8() => Encoding.UTF8.GetBytes(Text);
}
