using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Tests.Templates;

public sealed class ValidatorTests
{
    private static TemplateField F(string name, FieldType type = FieldType.String, DomainFormat format = DomainFormat.None,
        FieldConstraints? constraints = null) =>
        new() { Name = name, Title = name + "（中文）", TitleEn = name + " (en)", Type = type, Format = format, Constraints = constraints ?? FieldConstraints.None };

    private static readonly TemplateSchema Schema = new()
    {
        Fields =
        [
            F("uscc", format: DomainFormat.Uscc, constraints: new FieldConstraints { Required = true }),
            F("period", FieldType.YearMonth, constraints: new FieldConstraints { Required = true }),
            F("amount", FieldType.Number, DomainFormat.Money),
            F("count", FieldType.Integer, constraints: new FieldConstraints { Minimum = "1", Maximum = "100" }),
            F("status", constraints: new FieldConstraints { Enum = ["存续", "注销"] }),
            F("code", constraints: new FieldConstraints { Pattern = "[A-Z]{2}[0-9]{2}", Unique = true }) with { Example = "XY99" },
            F("name", constraints: new FieldConstraints { MinLength = 2, MaxLength = 10 }),
            F("division", format: DomainFormat.Division),
            F("person", format: DomainFormat.CnId),
            F("since", FieldType.Date, constraints: new FieldConstraints { Minimum = "2000-01-01" }),
            F("active", FieldType.Boolean),
        ],
        PrimaryKey = ["uscc", "period"],
        SubjectKey = "uscc",
        PeriodField = "period",
    };

    private static readonly string[] Header = [.. Schema.Fields.Select(f => f.Name)];

    private static readonly string[] Good =
        ["914403001922038216", "2024-03", "1234.50", "5", "存续", "AB12", "华为技术", "440300", "11010519491231002X", "2001-02-03", "是"];

    private static (bool Accepted, List<TemplateError> Errors, Cell[] Values) Check(params string[][] rows)
    {
        var validation = CompiledTemplate.Compile(Schema).Begin(Header);
        Assert.Empty(validation.HeaderErrors);
        var errors = new List<TemplateError>();
        var values = new Cell[Schema.Fields.Count];
        var accepted = true;
        for (var i = 0; i < rows.Length; i++)
        {
            accepted = validation.ValidateRow(i + 2, new Rows(rows[i]), values, errors);
        }
        return (accepted, errors, values);
    }

    private static string[] GoodWith(int field, string value)
    {
        var row = (string[])Good.Clone();
        row[field] = value;
        return row;
    }

    [Fact]
    public void A_good_row_is_accepted_with_typed_values()
    {
        var (accepted, errors, values) = Check(Good);
        Assert.True(accepted);
        Assert.Empty(errors);
        Assert.Equal("914403001922038216", values[0].Text);
        Assert.Equal(new DateTime(2024, 3, 1), values[1].Date);
        Assert.Equal(1234.50m, values[2].Number);
        Assert.Equal(5m, values[3].Number);
        Assert.Equal(new DateTime(2001, 2, 3), values[9].Date);
        Assert.True(values[10].Boolean);
    }

    [Theory]
    [InlineData(1, "2024/03", "type-error")]
    [InlineData(2, "12.345", "type-error")]
    [InlineData(2, "-5", "constraint-error")]
    [InlineData(2, "abc", "type-error")]
    [InlineData(3, "1.5", "type-error")]
    [InlineData(3, "0", "constraint-error")]
    [InlineData(3, "101", "constraint-error")]
    [InlineData(4, "吊销", "constraint-error")]
    [InlineData(5, "ab12", "constraint-error")]
    [InlineData(6, "华", "constraint-error")]
    [InlineData(6, "一二三四五六七八九十一", "constraint-error")]
    [InlineData(7, "449999", "constraint-error")]
    [InlineData(8, "110105194912310021", "constraint-error")]
    [InlineData(8, "1101051949", "type-error")]
    [InlineData(9, "1999-12-31", "constraint-error")]
    [InlineData(9, "2001-02-30", "type-error")]
    [InlineData(10, "maybe", "type-error")]
    [InlineData(0, "9144030019220382I6", "type-error")]
    [InlineData(0, "", "constraint-error")]
    public void A_bad_cell_is_a_row_error_with_its_code_field_and_value(int field, string value, string code)
    {
        var (accepted, errors, _) = Check(GoodWith(field, value));
        Assert.False(accepted);
        var error = Assert.Single(errors);
        Assert.Equal(code, error.Code);
        Assert.Equal(2, error.Row);
        Assert.Equal(Schema.Fields[field].Name, error.Field);
        Assert.Equal(value, error.Value);
        Assert.Contains(Schema.Fields[field].Name, error.MessageEn, StringComparison.Ordinal);
        Assert.Contains("第2行", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_uscc_with_a_wrong_check_character_is_a_warning_by_default_and_an_error_when_configured()
    {
        var (accepted, errors, _) = Check(GoodWith(0, "911100001011596950"));
        Assert.True(accepted);
        Assert.Equal(Severity.Warning, Assert.Single(errors).Severity);
        Assert.Contains("5", errors[0].MessageEn, StringComparison.Ordinal);

        var strict = Schema with { Fields = [Schema.Fields[0] with { UsccCheck = Severity.Error }, .. Schema.Fields.Skip(1)] };
        var validation = CompiledTemplate.Compile(strict).Begin(Header);
        var strictErrors = new List<TemplateError>();
        Assert.False(validation.ValidateRow(2, new Rows(GoodWith(0, "911100001011596950")), new Cell[Header.Length], strictErrors));
        Assert.Equal(Severity.Error, Assert.Single(strictErrors).Severity);
    }

    [Fact]
    public void Optional_empty_cells_are_missing_values_not_errors()
    {
        var row = GoodWith(2, "");
        row[10] = "";
        var (accepted, errors, values) = Check(row);
        Assert.True(accepted);
        Assert.Empty(errors);
        Assert.True(values[2].IsMissing);
    }

    [Fact]
    public void Cells_are_trimmed_before_checking()
    {
        var (accepted, errors, values) = Check(GoodWith(0, "  914403001922038216 "));
        Assert.True(accepted, string.Join("; ", errors.Select(e => e.MessageEn)));
        Assert.Equal("914403001922038216", values[0].Text);
    }

    [Fact]
    public void A_blank_row_is_a_blank_row_error()
    {
        var (accepted, errors, _) = Check([.. Good.Select(_ => " ")]);
        Assert.False(accepted);
        Assert.Equal(ErrorCodes.BlankRow, Assert.Single(errors).Code);
    }

    [Fact]
    public void Extra_and_missing_cells_are_row_errors()
    {
        var (extraAccepted, extra, _) = Check([.. Good, "surplus"]);
        Assert.False(extraAccepted);
        Assert.Equal(ErrorCodes.ExtraCell, Assert.Single(extra).Code);
        Assert.Equal("surplus", extra[0].Value);

        var (missingAccepted, missing, _) = Check([.. Good.Take(9)]);
        Assert.False(missingAccepted);
        Assert.Equal([ErrorCodes.MissingCell, ErrorCodes.MissingCell], missing.Select(e => e.Code));
        Assert.Equal(["since", "active"], missing.Select(e => e.Field));
    }

    [Fact]
    public void A_repeated_primary_key_is_a_primary_key_error_on_the_later_row()
    {
        var (accepted, errors, _) = Check(Good, GoodWith(5, "CD34"));
        Assert.False(accepted);
        var error = Assert.Single(errors);
        Assert.Equal(ErrorCodes.PrimaryKey, error.Code);
        Assert.Equal(3, error.Row);
        Assert.Equal("uscc, period", error.Field);
    }

    [Fact]
    public void A_repeated_unique_value_is_a_unique_error()
    {
        var (accepted, errors, _) = Check(Good, GoodWith(1, "2024-04"));
        Assert.False(accepted);
        var error = Assert.Single(errors);
        Assert.Equal(ErrorCodes.UniqueError, error.Code);
        Assert.Equal("code", error.Field);
    }

    [Fact]
    public void A_long_value_is_cut_in_the_error()
    {
        var (_, errors, _) = Check(GoodWith(3, new string('9', 500)));
        Assert.True(Assert.Single(errors).Value!.Length <= TemplateError.MaxValueLength + 1);
    }

    [Fact]
    public void Header_labels_may_be_names_or_chinese_or_english_titles_in_any_order()
    {
        string[] labels = [.. Schema.Fields.Select((f, i) => (i % 3) switch { 0 => f.Name.ToUpperInvariant(), 1 => f.Title, _ => f.TitleEn }).Reverse()];
        var validation = CompiledTemplate.Compile(Schema).Begin(labels);
        Assert.Empty(validation.HeaderErrors);
        var values = new Cell[Header.Length];
        Assert.True(validation.ValidateRow(2, new Rows([.. Good.Reverse()]), values, []));
        Assert.Equal("914403001922038216", values[0].Text);
    }

    [Fact]
    public void Header_problems_are_missing_extra_duplicate_and_incorrect_labels()
    {
        var compiled = CompiledTemplate.Compile(Schema);

        var missing = compiled.Begin(Header[..^1]).HeaderErrors;
        Assert.Equal(ErrorCodes.MissingLabel, Assert.Single(missing).Code);
        Assert.Equal("active", missing[0].Field);

        var extra = compiled.Begin([.. Header, "remarks"]).HeaderErrors;
        Assert.Equal(ErrorCodes.ExtraLabel, Assert.Single(extra).Code);
        Assert.Null(extra[0].Row);

        var duplicate = compiled.Begin([.. Header, "uscc"]).HeaderErrors;
        Assert.Equal(ErrorCodes.DuplicateLabel, Assert.Single(duplicate).Code);

        var misspelt = compiled.Begin([.. Header.Select(h => h == "period" ? "perod" : h)]).HeaderErrors;
        var incorrect = Assert.Single(misspelt);
        Assert.Equal(ErrorCodes.IncorrectLabel, incorrect.Code);
        Assert.Equal("period", incorrect.Field);
        Assert.Contains("perod", incorrect.MessageEn, StringComparison.Ordinal);

        // A file without its header: the first row's cells are data, never quoted back (a receipt holds no cell values).
        string[] data = [.. Header.Select((_, i) => $"91410100MA{i:D8}")];
        var headerless = compiled.Begin(data).HeaderErrors;
        Assert.NotEmpty(headerless);
        Assert.All(headerless, e => Assert.DoesNotContain("91410100MA", e.MessageEn + e.Message + e.Value, StringComparison.Ordinal));
        Assert.Contains("looks like data, not a header", headerless[0].MessageEn, StringComparison.Ordinal);
    }
}
