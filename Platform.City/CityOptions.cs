using Platform.Templates.Schema;

namespace Platform.City;

/// <summary>What city to make: how many businesses, which months, where, and which discrepancies to plant.</summary>
public sealed record CityOptions
{
    public int Businesses { get; init; } = 2_000;

    /// <summary>The last month of data; the city covers <see cref="Months"/> months ending with it.</summary>
    public required Period LastPeriod { get; init; }

    public int Months { get; init; } = 12;

    /// <summary>The city's GB/T 2260 prefix; businesses are spread over its county-level codes (default 5113, Nanchong).</summary>
    public string DivisionPrefix { get; init; } = "5113";

    /// <summary>Plant discrepancies (each raising exactly one lead of its rule); without, the city raises nothing.</summary>
    public bool PlantDiscrepancies { get; init; } = true;

    public int PlantedPerRule { get; init; } = 3;

    public int Seed { get; init; } = 11;

    public Period FirstPeriod => LastPeriod.AddMonths(1 - Months);

    /// <summary>Planting needs six months (the tax-source windows) and registry plants two months before the end.</summary>
    public const int MonthsToPlant = 6;
}

/// <summary>
/// A lead the city is built to raise, as RULES.md defines it: its identity (rule, subject, period) and the amount at
/// risk (0 for the registry rules, which have none). <see cref="Why"/> says what was planted. It holds for a run on
/// any date after the city's last month.
/// </summary>
public sealed record PlantedLead(string Rule, string Subject, Period Period, decimal AmountAtRisk, string Why);

/// <summary>The rule ids of RULES.md.</summary>
public static class RuleIds
{
    public const string Unregistered = "registry-unregistered";
    public const string DeregisteredActive = "registry-deregistered-active";
    public const string Changed = "registry-changed";
    public const string SurchargeShortfall = "surcharge-shortfall";
    public const string CardSales = "third-party-card-sales";
    public const string Property = "third-party-property";
    public const string Land = "third-party-land";
    public const string IndustryBurden = "industry-burden";
    public const string TaxSourceDrop = "tax-source-drop";

    public static readonly IReadOnlyList<string> All =
        [Unregistered, DeregisteredActive, Changed, SurchargeShortfall, CardSales, Property, Land, IndustryBurden, TaxSourceDrop];
}

/// <summary>One file of the city: a template's rows for one period, sent by the template's agency.</summary>
public sealed record CityFile(string Template, string Agency, Period Period, int Rows)
{
    /// <summary>Where <see cref="GeneratedCity.WriteTo"/> puts it, relative to the directory.</summary>
    public string RelativePath => Path.Combine(Template, $"{Period}.csv");
}
