using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Tests.Templates;

public sealed class FieldParsersTests
{
    [Theory]
    [InlineData(FieldType.String, "任何文本", true)]
    [InlineData(FieldType.Integer, "-42", true)]
    [InlineData(FieldType.Integer, "4.2", false)]
    [InlineData(FieldType.Integer, "1,000", false)]
    [InlineData(FieldType.Number, "1234.56", true)]
    [InlineData(FieldType.Number, "1.5E3", true)]
    [InlineData(FieldType.Number, "12元", false)]
    [InlineData(FieldType.Boolean, "否", true)]
    [InlineData(FieldType.Boolean, "FALSE", true)]
    [InlineData(FieldType.Boolean, "yes", false)]
    [InlineData(FieldType.Date, "2024-02-29", true)]
    [InlineData(FieldType.Date, "2023-02-29", false)]
    [InlineData(FieldType.Date, "2024/02/28", false)]
    [InlineData(FieldType.Date, "2024-2-28", false)]
    [InlineData(FieldType.Date, "2024-04-31", false)]
    [InlineData(FieldType.Date, "0000-01-01", false)]
    [InlineData(FieldType.Date, "２０２４-02-28", false)]
    [InlineData(FieldType.Date, "2024-02-28T00:00", false)]
    [InlineData(FieldType.Datetime, "2024-03-31T14:30:00", true)]
    [InlineData(FieldType.Datetime, "2024-03-31T14:30:00Z", true)]
    [InlineData(FieldType.Datetime, "2024-03-31 14:30:00", true)]
    [InlineData(FieldType.Datetime, "2024-03-31", false)]
    [InlineData(FieldType.Year, "2024", true)]
    [InlineData(FieldType.Year, "24", false)]
    [InlineData(FieldType.YearMonth, "2024-12", true)]
    [InlineData(FieldType.YearMonth, "2024-13", false)]
    [InlineData(FieldType.YearMonth, "202412", false)]
    [InlineData(FieldType.YearMonth, "2024-00", false)]
    public void Each_type_accepts_its_table_schema_lexical_form(FieldType type, string text, bool parses) =>
        Assert.Equal(parses, FieldParsers.CanParse(type, text));

    [Fact]
    public void Typed_values_carry_the_parsed_value()
    {
        var cell = default(Cell);
        Assert.True(FieldParsers.TryParse(FieldType.Datetime, "2024-03-31T14:30:00Z", ref cell));
        Assert.Equal(new DateTime(2024, 3, 31, 14, 30, 0, DateTimeKind.Utc), cell.Date);
        Assert.True(FieldParsers.TryParse(FieldType.Year, "2024", ref cell));
        Assert.Equal(2024m, cell.Number);
        Assert.True(FieldParsers.TryParse(FieldType.YearMonth, "2024-12", ref cell));
        Assert.Equal(new DateTime(2024, 12, 1), cell.Date);
        Assert.Equal("2024-12", cell.ToString());
        Assert.True(FieldParsers.TryParse(FieldType.Date, "1999-12-31", ref cell));
        Assert.Equal(new DateTime(1999, 12, 31), cell.Date);
    }
}
