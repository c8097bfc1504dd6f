using Platform.Templates.Checks;

namespace Platform.City;

internal sealed record Industry(string Code, string Word)
{
    public decimal? Floor => Tax.Floor(Code);

    public static readonly Industry Department = new("F5211", "商贸"), Supermarket = new("F5212", "超市"),
        Wholesale = new("F5123", "贸易"), Pharmacy = new("F5251", "大药房"), Construction = new("E4710", "建筑工程"),
        RealEstate = new("K7010", "房地产开发"), Hotel = new("H6110", "酒店管理"), Machinery = new("C3311", "机械制造"),
        Liquor = new("C1512", "酒业"), Software = new("I6513", "网络科技");

    public static readonly IReadOnlyList<Industry> Ordinary =
        [Department, Supermarket, Wholesale, Construction, Hotel, Machinery, Liquor, Software];
}

/// <summary>What a business does in the city's data.</summary>
internal enum Role
{
    /// <summary>Declares and pays each month; a third of them issue invoices.</summary>
    Ordinary,

    /// <summary>A pharmacy (F5251): the medical-insurance bureau reports its card sales each month.</summary>
    Pharmacy,

    /// <summary>A key taxpayer: over 250,000 yuan of tax a quarter, invoices every month.</summary>
    Key,

    /// <summary>A developer: sells property now and then (the housing registry sees it), gets land granted by the state.</summary>
    Developer,

    /// <summary>A business that transfers land it holds to other businesses now and then.</summary>
    LandHolder,
}

/// <summary>A change the market regulator registers: what changed, in which month of the city.</summary>
internal sealed record Change(int Month, DateOnly Date, string Name, string LegalRep, string Division, string Address, bool SentToBureau);

/// <summary>The end of a business in the register: 注销 (deregistered) or 吊销 (licence revoked).</summary>
internal sealed record End(int Month, DateOnly Date, bool Deregistered);

/// <summary>A planted discrepancy: the rule it breaks and which way (variants rotate).</summary>
internal sealed record Plant(string Rule, int Variant, int Month)
{
    /// <summary>An unregistered business of the first kind: the bureau never registered it (the other kind: its tax registration ended).</summary>
    public bool NeverRegistered => Rule == RuleIds.Unregistered && Variant % 2 == 0;

    public bool TaxRegistrationEnds => Rule == RuleIds.Unregistered && Variant % 2 == 1;
}

/// <summary>
/// One business of the city as drawn from (seed, index) alone: identity, registrations, life within the city's months
/// and the figures it declares from. Months are indexes into the city's months (0 = the first).
/// </summary>
internal sealed class Business
{
    public required int Index { get; init; }
    public required string Uscc { get; init; }
    public required string Name { get; init; }
    public required string LegalRep { get; init; }
    public required string LegalRepId { get; init; }
    public required string Division { get; init; }
    public required string Address { get; init; }
    public required Industry Industry { get; init; }
    public required decimal Capital { get; init; }
    public required DateOnly Established { get; init; }
    public required DateOnly TaxRegistered { get; init; }
    public required string Status { get; init; }
    public DateOnly? ChangedBefore { get; init; }
    public required Role Role { get; init; }
    public required decimal Revenue { get; init; }
    public required decimal Burden { get; init; }
    public required string Location { get; init; }
    public bool IssuesInvoices { get; init; }
    public bool BureauKnowsLegalRep { get; init; } = true;

    /// <summary>The month of its first records: its establishment, or the first month for the opening register.</summary>
    public required int Appears { get; init; }

    public Change? Change { get; init; }
    public End? End { get; init; }

    /// <summary>False for a business the bureau never registered (planted).</summary>
    public bool RegisteredForTax { get; init; } = true;

    /// <summary>The month its tax registration ends while the business goes on (planted).</summary>
    public int? TaxEnds { get; init; }

    public Plant? Plant { get; init; }

    public static string TaxOffice(string division) => "1" + division + "0000";

    /// <summary>The last month it declares: its end, the end of its tax registration, or the city's last month.</summary>
    public int LastActive(int months) => End?.Month ?? TaxEnds ?? months - 1;

    public bool Consumption => Industry == Industry.Liquor;
}

/// <summary>Draws the businesses of a city.</summary>
internal sealed class Population
{
    private const int IdentityDraw = 1, LifeDraw = 2, FiguresDraw = 3;

    private readonly CityOptions options;
    private readonly string[] counties;
    private readonly IReadOnlyDictionary<int, Plant> plants;
    private readonly DateOnly firstDay;

    public Population(CityOptions options, IReadOnlyDictionary<int, Plant> plants)
    {
        this.options = options;
        this.plants = plants;
        counties = [.. Divisions.Under(options.DivisionPrefix).Where(c => !c.EndsWith("00", StringComparison.Ordinal))];
        if (counties.Length == 0)
        {
            throw new ArgumentException($"No county-level GB/T 2260 code starts with '{options.DivisionPrefix}'.", nameof(options));
        }
        firstDay = options.FirstPeriod.FirstDay;
    }

    public IReadOnlyList<string> Counties => counties;

    public CityOptions Options => options;

    public int Businesses => options.Businesses;

    public int Seed => options.Seed;

    /// <summary>The USCC of business <paramref name="index"/>, without drawing the rest of it.</summary>
    public string UsccOf(int index)
    {
        var draw = new Draw(options.Seed, index, IdentityDraw);
        return Uscc(index, draw.Pick(counties));
    }

    /// <summary>
    /// 9 (registered by market regulation) 1 (an enterprise), the county, nine characters of organisation code and the
    /// check character. The organisation code is the index times an odd constant modulo 31⁹, spelt in the USCC alphabet:
    /// distinct for distinct indexes, and not in index order.
    /// </summary>
    private static string Uscc(int index, string county)
    {
        const ulong modulus = 26_439_622_160_671UL; // 31^9
        var code = (ulong)((((UInt128)(uint)index * 13_089_759_647_867UL) + 1_234_567UL) % modulus);
        Span<char> chars = stackalloc char[18];
        "91".CopyTo(chars);
        county.CopyTo(chars[2..]);
        for (var i = 16; i >= 8; i--)
        {
            chars[i] = Platform.Templates.Checks.Uscc.Alphabet[(int)(code % 31)];
            code /= 31;
        }
        chars[17] = Platform.Templates.Checks.Uscc.CheckCharacter(chars[..17]);
        return new string(chars);
    }

    public Business Describe(int index)
    {
        var identity = new Draw(options.Seed, index, IdentityDraw);
        var county = identity.Pick(counties);
        var plant = plants.GetValueOrDefault(index);
        var life = new Draw(options.Seed, index, LifeDraw);
        var role = plant is null ? DrawRole(ref life) : RoleFor(plant);
        var industry = role switch
        {
            Role.Pharmacy => Industry.Pharmacy,
            Role.Developer => Industry.RealEstate,
            Role.LandHolder => Industry.Machinery,
            _ when plant?.Rule == RuleIds.IndustryBurden => plant.Variant % 2 == 0 ? Industry.Department : Industry.Wholesale,
            _ => life.Pick(Industry.Ordinary),
        };
        var mark = Names.Mark(ref identity);
        var legalRep = Names.Person(ref identity);

        // When it was established: before the city's months (the opening register carries it) or within them.
        var months = options.Months;
        var appears = 0;
        DateOnly established;
        if (plant is { NeverRegistered: true })
        {
            appears = plant.Month;
            established = options.FirstPeriod.AddMonths(appears).FirstDay.AddDays(life.Next(28));
        }
        else if (plant is null && role != Role.Key && life.Chance(0.15))
        {
            appears = life.Next(months);
            established = options.FirstPeriod.AddMonths(appears).FirstDay.AddDays(life.Next(28));
        }
        else
        {
            established = new DateOnly(2000, 1, 1).AddDays(life.Next(firstDay.DayNumber - new DateOnly(2000, 1, 1).DayNumber - 30));
        }
        var taxRegistered = appears == 0 && established < firstDay
            ? established.AddDays(life.Next(20))
            : established.AddDays(Math.Min(life.Next(10), DateTime.DaysInMonth(established.Year, established.Month) - established.Day));
        var changedBefore = appears == 0 && established < firstDay && life.Chance(0.2)
            ? established.AddDays(life.Next(Math.Max(1, firstDay.DayNumber - established.DayNumber - 1)))
            : (DateOnly?)null;

        var change = plant switch
        {
            { Rule: RuleIds.Changed } => PlantedChange(plant, county, mark, legalRep, industry, ref identity),
            null when appears < months - 1 && life.Chance(0.06) => ClearChange(life.Between(appears + 1, months - 1), county, mark, legalRep, industry,
                ref life),
            _ => null,
        };
        var end = plant switch
        {
            { Rule: RuleIds.DeregisteredActive } => new End(plant.Month, DayIn(plant.Month, ref life), true),
            null when role != Role.Key && (change?.Month ?? appears) < months - 1 && life.Chance(0.03) =>
                EndIn(life.Between((change?.Month ?? appears) + 1, months - 1), ref life),
            _ => null,
        };

        var figures = new Draw(options.Seed, index, FiguresDraw);
        var revenue = role switch
        {
            Role.Key => figures.Money(plant is null ? 3_000_000m : 8_000_000m, 15_000_000m),
            Role.Pharmacy => figures.Money(80_000m, 400_000m),
            Role.Developer => figures.Money(100_000m, 800_000m),
            Role.LandHolder => figures.Money(200_000m, 900_000m),
            _ => 30_000m + Math.Round(570_000m * (decimal)Math.Pow(figures.Fraction(), 2), 2),
        };
        if (plant?.Rule == RuleIds.IndustryBurden)
        {
            revenue = Math.Max(revenue, 1_500_000m / MonthsOfBurdenYear(options));
        }
        else if (plant?.Rule is RuleIds.SurchargeShortfall or RuleIds.CardSales)
        {
            revenue = Math.Max(revenue, 100_000m);
        }
        var burden = industry.Floor is { } floor
            ? floor * figures.Factor(plant is null ? 1.3m : 1.5m, 2.5m)
            : figures.Factor(plant?.Rule == RuleIds.TaxSourceDrop ? 0.03m : 0.01m, 0.05m);
        var location = Divisions.Name(county)!.EndsWith('区')
            ? Tax.Urban
            : figures.Chance(0.85) ? Tax.CountyTown : Tax.Elsewhere;

        return new Business
        {
            Index = index,
            Uscc = Uscc(index, county),
            Name = Names.Business(county, mark, industry),
            LegalRep = legalRep,
            LegalRepId = Names.ResidentId(identity.Pick(counties), ref identity),
            Division = county,
            Address = Names.Address(county, ref identity),
            Industry = industry,
            Capital = identity.Between(10, 2_000),
            Established = established,
            TaxRegistered = taxRegistered,
            Status = identity.Chance(0.1) ? "在业" : "存续",
            ChangedBefore = changedBefore,
            Role = role,
            Revenue = revenue,
            Burden = burden,
            Location = location,
            IssuesInvoices = plant is null ? role == Role.Key || (role is Role.Ordinary or Role.Pharmacy && life.Chance(0.3)) : role == Role.Key,
            BureauKnowsLegalRep = plant?.Rule == RuleIds.Changed || life.Chance(0.9),
            Appears = appears,
            Change = change,
            End = end,
            RegisteredForTax = plant is not { NeverRegistered: true },
            TaxEnds = plant is { TaxRegistrationEnds: true } ? plant.Month : null,
            Plant = plant,
        };
    }

    /// <summary>The calendar year with most of the city's months (the later one on a tie): where a burden plant goes.</summary>
    public static int BurdenYear(CityOptions options) =>
        Enumerable.Range(0, options.Months).Select(m => options.FirstPeriod.AddMonths(m).Year)
            .GroupBy(y => y).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key;

    private static int MonthsOfBurdenYear(CityOptions options)
    {
        var year = BurdenYear(options);
        return Enumerable.Range(0, options.Months).Count(m => options.FirstPeriod.AddMonths(m).Year == year);
    }

    private static Role DrawRole(ref Draw draw) => draw.Fraction() switch
    {
        < 0.01 => Role.Key,
        < 0.025 => Role.Developer,
        < 0.03 => Role.LandHolder,
        < 0.07 => Role.Pharmacy,
        _ => Role.Ordinary,
    };

    private static Role RoleFor(Plant plant) => plant.Rule switch
    {
        RuleIds.CardSales => Role.Pharmacy,
        RuleIds.Property => Role.Developer,
        RuleIds.Land => Role.LandHolder,
        RuleIds.TaxSourceDrop => Role.Key,
        _ => Role.Ordinary,
    };

    private DateOnly DayIn(int month, ref Draw draw) => options.FirstPeriod.AddMonths(month).FirstDay.AddDays(draw.Next(28));

    private Change ClearChange(int month, string county, string mark, string legalRep, Industry industry, ref Draw draw)
    {
        var date = DayIn(month, ref draw);
        return draw.Next(4) switch
        {
            0 => new Change(month, date, Names.Business(county, OtherMark(mark, ref draw), industry), legalRep, county,
                Names.Address(county, ref draw), true),
            1 => new Change(month, date, Names.Business(county, mark, industry), OtherPerson(legalRep, ref draw), county,
                Names.Address(county, ref draw), true),
            2 => Moved(month, date, Names.Business(county, mark, industry), legalRep, county, true, ref draw),
            _ => new Change(month, date, Names.Business(county, mark, industry), legalRep, county, Names.Address(county, ref draw), false),
        };
    }

    /// <summary>A change the market regulator registers and the bureau never hears of: the name, the county or the legal representative.</summary>
    private Change PlantedChange(Plant plant, string county, string mark, string legalRep, Industry industry, ref Draw draw)
    {
        var date = DayIn(plant.Month, ref draw);
        var name = Names.Business(county, mark, industry);
        return (plant.Variant % 3) switch
        {
            0 => new Change(plant.Month, date, Names.Business(county, OtherMark(mark, ref draw), industry), legalRep, county,
                Names.Address(county, ref draw), false),
            1 => Moved(plant.Month, date, name, legalRep, county, false, ref draw),
            _ => new Change(plant.Month, date, name, OtherPerson(legalRep, ref draw), county, Names.Address(county, ref draw), false),
        };
    }

    private Change Moved(int month, DateOnly date, string name, string legalRep, string county, bool sentToBureau, ref Draw draw)
    {
        var moved = OtherCounty(county, ref draw);
        return new Change(month, date, name, legalRep, moved, Names.Address(moved, ref draw), sentToBureau);
    }

    private End EndIn(int month, ref Draw draw) => new(month, DayIn(month, ref draw), draw.Chance(0.85));

    private static string OtherMark(string mark, ref Draw draw)
    {
        var other = Names.Mark(ref draw);
        return other == mark ? other + "新" : other;
    }

    private static string OtherPerson(string person, ref Draw draw)
    {
        var other = Names.Person(ref draw);
        return other == person ? other + "明" : other;
    }

    private string OtherCounty(string county, ref Draw draw)
    {
        if (counties.Length == 1)
        {
            throw new InvalidOperationException("A move needs a second county.");
        }
        var other = draw.Pick(counties);
        return other == county ? counties[(Array.IndexOf(counties, county) + 1) % counties.Length] : other;
    }
}
