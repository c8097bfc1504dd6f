using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Platform.Templates.Validation;

namespace Platform.Tests.Templates;

public sealed class StandardTemplatesTests
{
    public static TheoryData<string> Ids => [.. StandardTemplates.All.Select(t => t.Descriptor.Id)];

    private static StandardTemplate Get(string id) => StandardTemplates.All.Single(t => t.Descriptor.Id == id);

    [Fact]
    public void The_data_sets_of_the_design_are_all_shipped()
    {
        Assert.Equal(
            ["business-registrations", "invoices-issued", "land-transfers", "pharmacy-card-sales", "property-transactions",
             "surcharge-collections", "tax-registrations", "vat-declarations"],
            StandardTemplates.All.Select(t => t.Descriptor.Id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_standard_template_has_no_problems_and_stays_small(string id)
    {
        var template = Get(id);
        Assert.Empty(template.Schema.Problems());
        Assert.InRange(template.Schema.Fields.Count, 3, 15);
        Assert.NotNull(template.Schema.PeriodField);
    }

    private static readonly Period November = Period.Parse("2026-11");

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_standard_templates_example_file_is_valid_against_it(string id)
    {
        var schema = Get(id).Schema;
        var lines = ExampleFile.ExampleCsv(schema, November).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain('"', lines[1]);
        var validation = CompiledTemplate.Compile(schema).Begin(lines[0].Split(','));
        Assert.Empty(validation.HeaderErrors);
        var errors = new List<TemplateError>();
        Assert.True(validation.ValidateRow(2, new Rows(lines[1].Split(',')), new Cell[schema.Fields.Count], errors),
            string.Join("; ", errors.Select(e => e.MessageEn)));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_standard_templates_example_is_one_coherent_record_of_its_period(string id)
    {
        var schema = Get(id).Schema;
        var row = schema.Fields.ToDictionary(f => f.Name, f => ExampleFile.ExampleValue(f, November));
        Assert.Equal("2026-11", row[schema.PeriodField!]);
        foreach (var date in schema.Fields.Where(f => f.Type == FieldType.Date && row[f.Name].Length > 0))
        {
            Assert.StartsWith("2026-11-", row[date.Name], StringComparison.Ordinal); // the record's dates fall in its period
        }
        if (row.TryGetValue("deregistered", out var deregistered))
        {
            Assert.Equal(("存续", ""), (row["status"], deregistered)); // a business in existence has no deregistration date
        }
        if (row.TryGetValue("transferor_uscc", out var transferor))
        {
            Assert.Equal("", transferor); // the example is a grant by the state, which has no transferor
        }
        if (row.TryGetValue("buyer_uscc", out var buyer))
        {
            Assert.NotEqual(row["seller_uscc"], buyer); // no business invoices itself
            Assert.True(Money(row["tax"]) < Money(row["amount"]));
        }
        if (row.TryGetValue("vat_paid", out var vat))
        {
            Assert.True(Money(vat) < Money(row["revenue"]));
        }
        if (row.TryGetValue("urban_maintenance_tax", out var urban))
        {
            // 7% (urban district), 3% and 2% of the same VAT and consumption tax paid, to the cent
            Assert.Equal("市区", row["location"]);
            Assert.InRange(Money(row["education_surcharge"]) * 7 - (Money(urban) * 3), -0.05m, 0.05m);
            Assert.InRange(Money(row["local_education_surcharge"]) * 3 - (Money(row["education_surcharge"]) * 2), -0.05m, 0.05m);
        }
    }

    private static decimal Money(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void An_examples_period_is_the_latest_that_can_be_sent()
    {
        var now = new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal(Period.Of(new DateOnly(2026, 10, 1)), ExampleFile.PeriodFor(new Schedule(ScheduleKind.Monthly, 10), now));
        Assert.Equal(Period.Of(new DateOnly(2026, 9, 1)), ExampleFile.PeriodFor(new Schedule(ScheduleKind.Quarterly, 15), now));
        Assert.Equal(Period.Of(new DateOnly(2026, 12, 1)), ExampleFile.PeriodFor(new Schedule(ScheduleKind.Quarterly, 15), now.AddMonths(2)));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_standard_template_round_trips_through_table_schema_json(string id)
    {
        var template = Get(id);
        var json = TableSchemaJson.Write(template.Schema, template.Descriptor);
        var (schema, descriptor) = TableSchemaJson.ReadWithDescriptor(json);
        Assert.Equal(template.Descriptor, descriptor);
        Assert.Equal(json, TableSchemaJson.Write(schema, descriptor));
    }

    [Fact]
    public void Example_cells_that_excel_would_run_as_formulas_are_neutralised()
    {
        Assert.Equal("'=SUM(A1)", CsvText.Cell("=SUM(A1)"));
        Assert.Equal("'@cmd", CsvText.Cell("@cmd"));
        Assert.Equal("'\t=1+1", CsvText.Cell("\t=1+1"));
        Assert.Equal("\"'\r=1+1\"", CsvText.Cell("\r=1+1"));
        Assert.Equal("-12.5", CsvText.Cell("-12.5"));
        Assert.Equal("\"a,\"\"b\"\"\"", CsvText.Cell("a,\"b\""));
    }
}
