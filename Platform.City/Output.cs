using System.Globalization;
using Platform.Templates.Schema;
using Platform.Templates.Standard;

namespace Platform.City;

/// <summary>The templates the city fills, in the order a period's files are sent (registrations first), with the fields it writes.</summary>
internal static class Templates
{
    public const int BusinessRegistrations = 0, TaxRegistrations = 1, VatDeclarations = 2, Surcharges = 3, Invoices = 4, CardSales = 5,
        Properties = 6, Land = 7;

    public static readonly (string Id, string Fields)[] Written =
    [
        ("business-registrations", "uscc,name,legal_rep,legal_rep_id,established,status,deregistered,changed,address_division,address,industry,registered_capital,period"),
        ("tax-registrations", "uscc,name,legal_rep,registered,status,tax_office,division,period"),
        ("vat-declarations", "uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on"),
        ("surcharge-collections", "uscc,period,location,urban_maintenance_tax,education_surcharge,local_education_surcharge,paid_on"),
        ("invoices-issued", "invoice_code,invoice_number,issued,seller_uscc,buyer_uscc,amount,tax,check_code,status,period"),
        ("pharmacy-card-sales", "uscc,pharmacy,period,card_sales,transactions"),
        ("property-transactions", "contract_no,seller_id,seller_name,buyer_id,division,address,area,price,registered,period"),
        ("land-transfers", "contract_no,uscc,transferee,transferor_uscc,parcel_no,division,area,price,signed,period"),
    ];

    /// <summary>The agency of each template, read from the standard templates; fails when a template's fields are not those written.</summary>
    public static string[] Agencies()
    {
        return
        [
            .. Written.Select(w =>
            {
                var standard = StandardTemplates.All.SingleOrDefault(t => t.Descriptor.Id == w.Id)
                               ?? throw new InvalidOperationException($"There is no standard template '{w.Id}'.");
                var fields = string.Join(",", standard.Schema.Fields.Select(f => f.Name));
                return fields == w.Fields
                    ? standard.Descriptor.Agency
                    : throw new InvalidOperationException($"The city writes '{w.Id}' as {w.Fields}, but the template's fields are {fields}.");
            }),
        ];
    }
}

/// <summary>
/// The city's files being written: one writer per template and month, opened on its first row (the header first),
/// so a month with no rows of a template has no file. Rows go straight to the writers; nothing is held.
/// </summary>
internal sealed class Output(Func<string, Period, TextWriter> open, Period first, int months, string[] agencies) : IDisposable
{
    private readonly TextWriter?[,] writers = new TextWriter?[Templates.Written.Length, months];
    private readonly int[,] rows = new int[Templates.Written.Length, months];
    private TextWriter current = TextWriter.Null;
    private bool firstCell;

    public Output Row(int template, int month)
    {
        if (writers[template, month] is not { } writer)
        {
            writer = open(Templates.Written[template].Id, first.AddMonths(month));
            writer.Write(Templates.Written[template].Fields);
            writer.Write("\r\n");
            writers[template, month] = writer;
        }
        rows[template, month]++;
        current = writer;
        firstCell = true;
        return this;
    }

    public Output Text(string? value)
    {
        Separate();
        if (value is null)
        {
            return this;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
        {
            current.Write('"');
            current.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            current.Write('"');
        }
        else
        {
            current.Write(value);
        }
        return this;
    }

    public Output Money(decimal? value) => Formatted(value, "0.00");

    public Output Number(long value) => Formatted<long>(value, default);

    public Output Date(DateOnly? value) => Formatted(value, "yyyy-MM-dd");

    public Output Period(Period period) => Text(period.ToString());

    /// <summary>A value formatted straight into the writer, with no string in between; empty when there is none.</summary>
    private Output Formatted<T>(T? value, ReadOnlySpan<char> format)
        where T : struct, ISpanFormattable
    {
        Separate();
        if (value is { } present)
        {
            Span<char> text = stackalloc char[48];
            present.TryFormat(text, out var written, format, CultureInfo.InvariantCulture);
            current.Write(text[..written]);
        }
        return this;
    }

    public void End() => current.Write("\r\n");

    private void Separate()
    {
        if (!firstCell)
        {
            current.Write(',');
        }
        firstCell = false;
    }

    /// <summary>The files written, in the order they are sent: by month, then registrations before the rest.</summary>
    public List<CityFile> Files()
    {
        var files = new List<CityFile>();
        for (var m = 0; m < months; m++)
        {
            for (var t = 0; t < Templates.Written.Length; t++)
            {
                if (rows[t, m] > 0)
                {
                    files.Add(new CityFile(Templates.Written[t].Id, agencies[t], first.AddMonths(m), rows[t, m]));
                }
            }
        }
        return files;
    }

    public void Dispose()
    {
        foreach (var writer in writers)
        {
            writer?.Dispose();
        }
    }
}
