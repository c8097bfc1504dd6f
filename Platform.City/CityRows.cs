using Platform.Templates.Schema;

namespace Platform.City;

/// <summary>A business's rows in every file it appears in, and people's property sales; straight to the output.</summary>
internal sealed class CityRows(Population population, Output output)
{
    private readonly CityOptions options = population.Options;

    public void Emit(Business b, MonthFigures?[] months)
    {
        Registrations(b);
        for (var m = 0; m < months.Length; m++)
        {
            if (months[m] is { } f)
            {
                Month(b, m, f);
            }
        }
    }

    /// <summary>What the market regulator holds of a business in a month: the change once it is registered.</summary>
    private static (string Name, string LegalRep, string Division, string Address, DateOnly? Changed) Registered(Business b, int month) =>
        b.Change is { } c && month >= c.Month
            ? (c.Name, c.LegalRep, c.Division, c.Address, c.Date)
            : (b.Name, b.LegalRep, b.Division, b.Address, b.ChangedBefore);

    /// <summary>What the bureau holds: the change only when the business told it.</summary>
    private static (string Name, string LegalRep, string Division) KnownToBureau(Business b, int month) =>
        b.Change is { SentToBureau: true } c && month >= c.Month ? (c.Name, c.LegalRep, c.Division) : (b.Name, b.LegalRep, b.Division);

    /// <summary>The bureau's record as its file shows it (a legal representative it does not record is not shown).</summary>
    private static (string Name, string? LegalRep, string Division) BureauSees(Business b, int month)
    {
        var (name, legalRep, division) = KnownToBureau(b, month);
        return (name, b.BureauKnowsLegalRep ? legalRep : null, division);
    }

    private void Registrations(Business b)
    {
        BusinessRow(b, b.Appears, b.Status, null);
        TaxRow(b, b.Appears, "正常");
        if (b.Change is { } change)
        {
            BusinessRow(b, change.Month, b.Status, null);
            if (change.SentToBureau && BureauSees(b, change.Month) != BureauSees(b, change.Month - 1))
            {
                TaxRow(b, change.Month, "正常");
            }
        }
        if (b.End is { } end)
        {
            BusinessRow(b, end.Month, end.Deregistered ? "注销" : "吊销", end.Deregistered ? end.Date : null);
            if (b.Plant?.Rule != RuleIds.DeregisteredActive)
            {
                TaxRow(b, end.Month, end.Deregistered ? "注销" : "非正常");
            }
        }
        if (b.TaxEnds is { } taxEnds)
        {
            TaxRow(b, taxEnds, "注销");
        }
    }

    private void BusinessRow(Business b, int month, string status, DateOnly? deregistered)
    {
        var (name, legalRep, division, address, changed) = Registered(b, month);
        output.Row(Templates.BusinessRegistrations, month)
            .Text(b.Uscc).Text(name).Text(legalRep).Text(b.LegalRepId).Date(b.Established).Text(status).Date(deregistered).Date(changed)
            .Text(division).Text(address).Text(b.Industry.Code).Money(b.Capital).Period(Period(month)).End();
    }

    private void TaxRow(Business b, int month, string status)
    {
        if (!b.RegisteredForTax)
        {
            return;
        }
        var (name, legalRep, division) = BureauSees(b, month);
        output.Row(Templates.TaxRegistrations, month)
            .Text(b.Uscc).Text(name).Text(legalRep).Date(b.TaxRegistered).Text(status)
            .Text(Business.TaxOffice(division)).Text(division).Period(Period(month)).End();
    }

    private void Month(Business b, int m, MonthFigures f)
    {
        var period = Period(m);
        if (f.Declares)
        {
            output.Row(Templates.VatDeclarations, m)
                .Text(b.Uscc).Period(period).Money(f.Revenue).Money(f.Vat).Money(f.ConsumptionTax).Date(f.PaidOn).End();
        }
        if (f.SurchargeSent)
        {
            output.Row(Templates.Surcharges, m)
                .Text(b.Uscc).Period(period).Text(f.Location).Money(f.Urban).Money(f.Education).Money(f.LocalEducation).Date(f.PaidOn).End();
        }
        foreach (var invoice in f.Invoices ?? [])
        {
            output.Row(Templates.Invoices, m)
                .Text(invoice.Code).Text(invoice.Number).Date(invoice.Issued).Text(b.Uscc).Text(invoice.Buyer).Money(invoice.Amount)
                .Money(invoice.Tax).Text(invoice.CheckCode).Text(invoice.Status).Period(period).End();
        }
        var (name, _, division, address, _) = Registered(b, m);
        if (f.CardSales is { } card)
        {
            output.Row(Templates.CardSales, m).Text(b.Uscc).Text(name).Period(period).Money(card).Number(f.CardPayments).End();
        }
        foreach (var sale in f.PropertySales ?? [])
        {
            output.Row(Templates.Properties, m)
                .Text(sale.Contract).Text(b.Uscc).Text(name).Text(sale.Buyer).Text(division).Text(address + "商铺").Number((long)sale.Area)
                .Money(sale.Price).Date(sale.Date).Period(period).End();
        }
        if (f.LandGranted is { } grant)
        {
            LandRow(m, grant, b.Uscc, name, null, division);
        }
        if (f.LandSold is { } sold)
        {
            LandRow(m, sold, sold.Buyer, population.Describe(sold.BuyerBusiness).Name, b.Uscc, division);
        }
    }

    private void LandRow(int m, Sale sale, string transferee, string transfereeName, string? transferor, string division) =>
        output.Row(Templates.Land, m)
            .Text(sale.Contract).Text(transferee).Text(transfereeName).Text(transferor).Text(sale.Contract.Replace("NC", "513", StringComparison.Ordinal))
            .Text(division).Number((long)sale.Area).Money(sale.Price).Date(sale.Date).Period(Period(m)).End();

    /// <summary>Flats sold by people (resident IDs; no rule reads them) in one month.</summary>
    public void PeoplesSales(int m, int count, ref Draw draw)
    {
        var period = Period(m);
        for (var k = 0; k < count; k++)
        {
            var county = draw.Pick(population.Counties);
            var area = draw.Between(50, 180);
            output.Row(Templates.Properties, m)
                .Text(Accounts.Contract("GR", period, k, 0)).Text(Names.PersonsId(county, ref draw)).Text(Names.Person(ref draw))
                .Text(Names.PersonsId(draw.Pick(population.Counties), ref draw)).Text(county).Text(Names.Address(county, ref draw) + "附" + (k % 9 + 1) + "号")
                .Number(area).Money(Tax.Round(area * draw.Between(3_500, 8_000))).Date(period.FirstDay.AddDays(draw.Next(28))).Period(period).End();
        }
    }

    private Period Period(int month) => options.FirstPeriod.AddMonths(month);
}
