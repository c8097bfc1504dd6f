using System.Globalization;
using Platform.Templates.Schema;

namespace Platform.City;

/// <summary>A sale a third party sees: a property sold (housing registry) or land granted or transferred (natural resources).</summary>
internal sealed record Sale(string Contract, decimal Price, decimal Area, DateOnly Date, string Buyer, int BuyerBusiness = -1);

internal sealed record Invoice(string Code, string Number, DateOnly Issued, string Buyer, decimal Amount, decimal Tax, string CheckCode, string Status);

/// <summary>One month of one business: what it declares and pays, and what third parties see of it.</summary>
internal sealed class MonthFigures
{
    public bool Declares { get; set; } = true;
    public decimal Revenue { get; set; }
    public decimal Vat { get; set; }
    public decimal? ConsumptionTax { get; set; }
    public decimal TaxBase => Vat + (ConsumptionTax ?? 0);
    public DateOnly PaidOn { get; set; }

    public bool SurchargeSent { get; set; }
    public string Location { get; set; } = Tax.Elsewhere;
    public decimal Urban { get; set; }
    public decimal Education { get; set; }
    public decimal LocalEducation { get; set; }

    public decimal? CardSales { get; set; }
    public int CardPayments { get; set; }

    public List<Sale>? PropertySales { get; set; }
    public Sale? LandSold { get; set; }
    public Sale? LandGranted { get; set; }
    public List<Invoice>? Invoices { get; set; }
}

/// <summary>Draws a business's months: revenue with noise, VAT at its burden, surcharges to the cent, and the third-party facts.</summary>
internal static class Accounts
{
    private const int MonthsDraw = 4;

    public static MonthFigures?[] Of(Business b, Population population)
    {
        var options = population.Options;
        var months = new MonthFigures?[options.Months];
        if (!b.RegisteredForTax)
        {
            return months;
        }
        var draw = new Draw(options.Seed, b.Index, MonthsDraw);
        var plant = b.Plant;
        var burdenYear = Population.BurdenYear(options);
        for (var m = b.Appears; m <= b.LastActive(options.Months); m++)
        {
            var period = options.FirstPeriod.AddMonths(m);
            var f = new MonthFigures { PaidOn = period.LastDay.AddDays(draw.Between(1, 15)) };
            var revenue = Tax.Round(b.Revenue * draw.Factor(0.85m, 1.15m));
            var planted = plant is not null && plant.Month == m;
            decimal declaredSales = 0;

            if (b.Role == Role.Pharmacy)
            {
                f.CardSales = Tax.Round(revenue * draw.Factor(0.3m, 0.7m));
                f.CardPayments = (int)(f.CardSales.Value / draw.Between(60, 120));
            }
            if (b.Role == Role.Developer)
            {
                var count = plant is { Rule: RuleIds.Property } ? (planted ? 1 + (plant.Variant % 2) : 0) : draw.Chance(0.3) ? draw.Between(1, 3) : 0;
                for (var k = 0; k < count; k++)
                {
                    var area = draw.Between(60, 300);
                    var price = planted ? draw.Money(1_200_000m, 3_000_000m) : Tax.Round(area * draw.Between(4_000, 9_000));
                    var date = Day(period, ref draw);
                    var buyerCounty = draw.Pick(population.Counties);
                    (f.PropertySales ??= []).Add(new Sale(Contract("SP", period, b.Index, k), price, area, date, Names.PersonsId(buyerCounty, ref draw)));
                    declaredSales += planted ? 0 : price;
                }
                if (draw.Chance(0.06))
                {
                    f.LandGranted = new Sale(Contract("CR", period, b.Index, 0), draw.Money(2_000_000m, 20_000_000m), draw.Between(5_000, 50_000),
                        Day(period, ref draw), b.Uscc, b.Index);
                }
            }
            if (b.Role == Role.LandHolder && (plant is { Rule: RuleIds.Land } ? planted : draw.Chance(0.1)))
            {
                var buyer = (b.Index + 1 + draw.Next(Math.Max(1, population.Businesses - 1))) % population.Businesses;
                f.LandSold = new Sale(Contract("ZR", period, b.Index, 0), draw.Money(1_000_000m, 8_000_000m), draw.Between(2_000, 30_000),
                    Day(period, ref draw), population.UsccOf(buyer), buyer);
                declaredSales += planted ? 0 : f.LandSold.Price;
            }

            var declared = revenue + declaredSales;
            var burden = b.Burden;
            switch (plant?.Rule)
            {
                case RuleIds.TaxSourceDrop when m >= options.Months - 3:
                    declared = Tax.Round(declared * 0.3m);
                    break;
                case RuleIds.IndustryBurden when period.Year == burdenYear:
                    burden = b.Industry.Floor!.Value * 0.5m;
                    break;
                case RuleIds.CardSales when planted:
                    declared = Tax.Round(f.CardSales!.Value * 0.4m);
                    f.Declares = plant.Variant % 2 == 0;
                    break;
                case RuleIds.Land when planted:
                    f.Declares = plant.Variant % 2 == 0;
                    break;
            }
            f.Revenue = declared;
            f.Vat = Tax.Round(declared * burden);
            f.ConsumptionTax = b.Consumption ? Tax.Round(declared * 0.1m) : null;

            if (f.Declares && f.TaxBase > 0)
            {
                var (urban, education, local) = Tax.SurchargesDue(f.TaxBase, b.Location);
                f.Location = b.Location;
                (f.Urban, f.Education, f.LocalEducation) = (urban, education, local);
                f.SurchargeSent = true;
                if (plant is { Rule: RuleIds.SurchargeShortfall } && planted)
                {
                    f.Urban = Tax.Round(urban * 0.5m);
                    f.SurchargeSent = plant.Variant % 2 == 0;
                }
            }
            if (b.IssuesInvoices)
            {
                f.Invoices = Invoices(b, period, m, revenue, ref draw, population);
            }
            months[m] = f;
        }
        return months;
    }

    private static List<Invoice> Invoices(Business b, Period period, int month, decimal revenue, ref Draw draw, Population population)
    {
        var steady = b.Plant is not null;
        var count = b.Role == Role.Key ? draw.Between(3, 6) : draw.Next(3);
        var share = revenue * (steady ? 0.6m : draw.Factor(0.5m, 0.8m)) / Math.Max(1, count);
        var invoices = new List<Invoice>(count);
        for (var k = 0; k < count; k++)
        {
            var amount = Tax.Round(share * draw.Factor(0.95m, 1.05m));
            var status = steady ? "正常" : draw.Fraction() switch
            {
                < 0.05 => "作废",
                < 0.08 => "红冲",
                _ => "正常",
            };
            if (status == "红冲")
            {
                amount = -amount;
            }
            var buyer = draw.Chance(0.7) ? population.UsccOf(draw.Next(population.Businesses)) : "";
            var (code, number) = InvoiceNumber(b.Index, period, month, k);
            invoices.Add(new Invoice(code, number, Day(period, ref draw), buyer == b.Uscc ? "" : buyer, amount, Tax.Round(amount * 0.13m),
                draw.Next(1_000_000).ToString("D6", CultureInfo.InvariantCulture), status));
        }
        return invoices;
    }

    /// <summary>
    /// A paper or electronic invoice (12-digit code naming Sichuan, the year and month; an 8-digit number) for even
    /// indexes, a fully digital one (20 digits, no code) for odd ones; unique by business, month and count.
    /// </summary>
    private static (string Code, string Number) InvoiceNumber(int index, Period period, int month, int k)
    {
        var sequence = ((long)index * 8) + k + 1;
        return index % 2 == 0 && sequence < 100_000_000
            ? (string.Create(CultureInfo.InvariantCulture, $"05100{period.Year % 100:D2}{period.Month:D2}111"), sequence.ToString("D8", CultureInfo.InvariantCulture))
            : ("", string.Create(CultureInfo.InvariantCulture, $"{period.Year % 100:D2}51{month % 100:D2}{index:D11}{k:D3}"));
    }

    public static string Contract(string kind, Period period, long subject, int k) =>
        string.Create(CultureInfo.InvariantCulture, $"NC{kind}{period.Year:D4}{period.Month:D2}{subject:D9}{k:D2}");

    private static DateOnly Day(Period period, ref Draw draw) => period.FirstDay.AddDays(draw.Next(28));
}
