using Platform.Templates.Schema;

namespace Platform.City;

/// <summary>
/// The lead a planted business raises, with the amount at risk computed as RULES.md says from the very figures
/// written. Each is checked against its rule's test here, so a plant too weak to raise its lead fails generation
/// instead of a test downstream.
/// </summary>
internal static class PlantedLeads
{
    public static PlantedLead Of(Business b, Population population)
    {
        var plant = b.Plant!;
        var options = population.Options;
        var months = Accounts.Of(b, population);
        var at = options.FirstPeriod.AddMonths(plant.Month);
        return plant.Rule switch
        {
            RuleIds.Unregistered => new(plant.Rule, b.Uscc, Period.Of(b.Established), 0,
                plant.Variant % 2 == 0 ? "registered by the market regulator, never for tax" : $"tax registration ended (注销) in {at}; the business goes on"),
            RuleIds.DeregisteredActive => new(plant.Rule, b.Uscc, Period.Of(b.End!.Date), 0,
                "deregistered (注销) at the market regulator, still 正常 at the bureau"),
            RuleIds.Changed => new(plant.Rule, b.Uscc, Period.Of(b.Change!.Date), 0,
                $"changed its {(plant.Variant % 3) switch { 0 => "name", 1 => "county", _ => "legal representative" }}; the bureau was not told"),
            RuleIds.SurchargeShortfall => Surcharge(b, months[plant.Month]!, at),
            RuleIds.CardSales => ThirdParty(b, months[plant.Month]!, at, months[plant.Month]!.CardSales!.Value, "card sales"),
            RuleIds.Property => ThirdParty(b, months[plant.Month]!, at, months[plant.Month]!.PropertySales!.Sum(s => s.Price), "property sold"),
            RuleIds.Land => ThirdParty(b, months[plant.Month]!, at, months[plant.Month]!.LandSold!.Price, "land transferred"),
            RuleIds.IndustryBurden => Burden(b, months, options),
            RuleIds.TaxSourceDrop => Drop(b, months, options),
            _ => throw new InvalidOperationException($"No plant for rule '{plant.Rule}'."),
        };
    }

    private static PlantedLead Surcharge(Business b, MonthFigures f, Period at)
    {
        var location = f.SurchargeSent ? f.Location : Tax.Elsewhere;
        var (urban, education, local) = Tax.SurchargesDue(f.TaxBase, location);
        decimal[] shorts = f.SurchargeSent
            ? [urban - f.Urban, education - f.Education, local - f.LocalEducation]
            : [urban, education, local];
        Require(shorts.Any(s => s > 1.00m), b, $"a surcharge short by more than 1.00 ({string.Join(", ", shorts)})");
        return new(RuleIds.SurchargeShortfall, b.Uscc, at, shorts.Where(s => s > 0).Sum(),
            f.SurchargeSent ? "city maintenance tax collected at half the due" : "no surcharge collected on VAT paid");
    }

    private static PlantedLead ThirdParty(Business b, MonthFigures f, Period at, decimal third, string what)
    {
        var declared = f.Declares ? f.Revenue : 0;
        Require(third > declared * 1.10m && third - declared > 1000m, b, $"{what} {third} well above the revenue declared, {declared}");
        var rule = b.Plant!.Rule;
        return new(rule, b.Uscc, at, Tax.Round((third - declared) * Tax.AssumedRate),
            $"{what} {third:0.00} against {(f.Declares ? $"revenue declared {declared:0.00}" : "no VAT declaration")}");
    }

    private static PlantedLead Burden(Business b, MonthFigures?[] months, CityOptions options)
    {
        var year = Population.BurdenYear(options);
        var declared = months.Select((f, m) => (f, Period: options.FirstPeriod.AddMonths(m)))
            .Where(x => x.f is { Declares: true } && x.Period.Year == year).Select(x => x.f!).ToList();
        var revenue = declared.Sum(f => f.Revenue);
        var tax = declared.Sum(f => f.TaxBase);
        var floor = b.Industry.Floor!.Value;
        Require(revenue >= Tax.MinRevenue && tax < floor * revenue, b, $"revenue {revenue} of {year} taxed {tax}, under the floor {floor}");
        return new(RuleIds.IndustryBurden, b.Uscc, Period.Of(new DateOnly(year, 12, 1)), Tax.Round((floor * revenue) - tax),
            $"tax {tax:0.00} on revenue {revenue:0.00} in {year}, half the floor of {b.Industry.Code}");
    }

    private static PlantedLead Drop(Business b, MonthFigures?[] months, CityOptions options)
    {
        var last = options.Months - 1;
        decimal QuarterTax(int from) => Enumerable.Range(from, 3).Sum(m => months[m] is { Declares: true } f ? f.TaxBase : 0);
        decimal QuarterActivity(int from) => Enumerable.Range(from, 3)
            .Sum(m => months[m]?.Invoices?.Where(i => i.Status == "正常").Sum(i => i.Amount) ?? 0);
        var (before, after) = (QuarterTax(last - 5), QuarterTax(last - 2));
        Require(before >= Tax.KeyTaxpayerQuarterTax && after < before * 0.5m && QuarterActivity(last - 5) > 0 &&
                QuarterActivity(last - 2) >= QuarterActivity(last - 5) * 0.8m, b, $"tax {before} then {after}, activity steady");
        return new(RuleIds.TaxSourceDrop, b.Uscc, options.LastPeriod, before - after,
            $"tax {before:0.00} then {after:0.00} a quarter, invoicing as before");
    }

    private static void Require(bool holds, Business b, string what)
    {
        if (!holds)
        {
            throw new InvalidOperationException($"The {b.Plant!.Rule} planted on {b.Uscc} would not raise its lead: {what}.");
        }
    }
}
