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

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_standard_templates_example_file_is_valid_against_it(string id)
    {
        var schema = Get(id).Schema;
        var lines = ExampleFile.ExampleCsv(schema).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
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
        Assert.Equal("-12.5", CsvText.Cell("-12.5"));
        Assert.Equal("\"a,\"\"b\"\"\"", CsvText.Cell("a,\"b\""));
    }
}
