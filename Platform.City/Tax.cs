namespace Platform.City;

/// <summary>The rates and defaults of RULES.md that the city's clean data keeps to and its planted data breaks.</summary>
internal static class Tax
{
    public const string Urban = "市区", CountyTown = "县城镇", Elsewhere = "其他";

    public const decimal Education = 0.03m, LocalEducation = 0.02m, AssumedRate = 0.13m;

    public const decimal KeyTaxpayerQuarterTax = 250_000m, MinRevenue = 1_000_000m;

    public static decimal UrbanRate(string location) => location switch
    {
        Urban => 0.07m,
        CountyTown => 0.05m,
        _ => 0.01m,
    };

    /// <summary>The default warning floors by GB/T 4754 division (the two digits after the industry's letter).</summary>
    public static decimal? Floor(string industry) => industry.AsSpan(char.IsAsciiLetter(industry[0]) ? 1 : 0, 2) switch
    {
        "52" => 0.01m,
        "51" => 0.008m,
        "47" => 0.02m,
        "70" => 0.03m,
        "61" => 0.015m,
        _ => null,
    };

    /// <summary>Every computed amount: to the cent, half away from zero.</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static (decimal Urban, decimal Education, decimal LocalEducation) SurchargesDue(decimal basis, string location) =>
        (Round(basis * UrbanRate(location)), Round(basis * Education), Round(basis * LocalEducation));
}
