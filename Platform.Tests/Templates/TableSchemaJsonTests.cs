using System.Text.Json.Nodes;
using Platform.Templates.Schema;

namespace Platform.Tests.Templates;

public sealed class TableSchemaJsonTests
{
    private static readonly TemplateSchema Schema = new()
    {
        Fields =
        [
            new TemplateField { Name = "uscc", Title = "统一社会信用代码", TitleEn = "Unified social credit code", Format = DomainFormat.Uscc,
                UsccCheck = Severity.Error, Constraints = new FieldConstraints { Required = true } },
            new TemplateField { Name = "period", Title = "所属期", TitleEn = "Period", Type = FieldType.YearMonth,
                Constraints = new FieldConstraints { Required = true, Minimum = "2020-01" } },
            new TemplateField { Name = "amount", Title = "金额", TitleEn = "Amount", Description = "含税金额", Type = FieldType.Number,
                Format = DomainFormat.Money, Constraints = new FieldConstraints { Maximum = "1000000000" } },
            new TemplateField { Name = "status", Title = "状态", TitleEn = "Status",
                Example = "存续", Constraints = new FieldConstraints { Enum = ["存续", "注销"], Pattern = ".+", MinLength = 1, MaxLength = 4, Unique = false } },
            new TemplateField { Name = "count", Title = "数量", TitleEn = "Count", Type = FieldType.Integer,
                Constraints = new FieldConstraints { Enum = ["1", "2"] } },
        ],
        PrimaryKey = ["uscc", "period"],
        MissingValues = ["", "-"],
        SubjectKey = "uscc",
        PeriodField = "period",
        Schedule = new Schedule(ScheduleKind.Monthly, 15),
    };

    [Fact]
    public void Writing_and_reading_back_gives_the_same_schema()
    {
        var json = TableSchemaJson.Write(Schema);
        var back = TableSchemaJson.Read(json);
        Assert.Equal(json, TableSchemaJson.Write(back));
        Assert.Equal(Severity.Error, back.Fields[0].UsccCheck);
        Assert.Equal(new Schedule(ScheduleKind.Monthly, 15), back.Schedule);
        Assert.Equal(["", "-"], back.MissingValues);
    }

    [Fact]
    public void The_export_uses_only_standard_keys_outside_x_platform()
    {
        var json = TableSchemaJson.ToJson(Schema, new TemplateDescriptor("t1", "market-regulator", "business-registrations", "企业登记", "Business registrations", 2));
        Assert.Equal(["fields", "primaryKey", "missingValues", "x-platform"], json.Select(p => p.Key));
        string[] standardFieldKeys = ["name", "title", "description", "type", "format", "example", "constraints", "x-platform"];
        string[] standardTypes = ["string", "integer", "number", "boolean", "date", "datetime", "year", "yearmonth"];
        foreach (var field in json["fields"]!.AsArray().Select(f => f!.AsObject()))
        {
            Assert.All(field.Select(p => p.Key), key => Assert.Contains(key, standardFieldKeys));
            Assert.Contains(field["type"]!.GetValue<string>(), standardTypes);
            Assert.Null(field["format"]);
        }
        Assert.Equal("money", json["fields"]![2]!["x-platform"]!["format"]!.GetValue<string>());
        Assert.Equal(1000000000m, json["fields"]![2]!["constraints"]!["maximum"]!.GetValue<decimal>());
        Assert.Equal(2, json["x-platform"]!["template"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public void A_plain_table_schema_from_another_tool_is_read_with_the_platform_keys_it_needs()
    {
        var json = """
            { "fields": [ { "name": "id", "type": "integer", "constraints": { "required": true } },
                          { "name": "note", "format": "default" } ],
              "primaryKey": "id",
              "x-platform": { "subjectKey": "id" } }
            """;
        var schema = TableSchemaJson.Read(json);
        Assert.Equal(FieldType.Integer, schema.Fields[0].Type);
        Assert.Equal(FieldType.String, schema.Fields[1].Type);
        Assert.Equal(["id"], schema.PrimaryKey);
        Assert.Equal(Schedule.OnDemand, schema.Schedule);
    }

    [Theory]
    [InlineData("""{ "fields": [ { "name": "a", "type": "geopoint" } ], "x-platform": { "subjectKey": "a" } }""", "geopoint")]
    [InlineData("""{ "fields": [ { "name": "a", "format": "email" } ], "x-platform": { "subjectKey": "a" } }""", "email")]
    [InlineData("""{ "fields": [ { "name": "a" } ] }""", "subjectKey")]
    [InlineData("""{ "fields": 3 }""", "fields")]
    [InlineData("""not json""", "JSON")]
    [InlineData("""{ "fields": [ { "name": "a", "x-platform": { "format": "iban" } } ], "x-platform": { "subjectKey": "a" } }""", "iban")]
    public void A_bad_table_schema_is_refused_saying_what_is_wrong(string json, string mentioned)
    {
        var error = Assert.Throws<TableSchemaException>(() => TableSchemaJson.Read(json));
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_problems_say_what_to_fix()
    {
        var broken = Schema with
        {
            Fields = [.. Schema.Fields, Schema.Fields[0] with { Title = "" }, new TemplateField { Name = "Bad Name", Title = "x", TitleEn = "x" }],
            SubjectKey = "nobody",
            PrimaryKey = ["ghost"],
            Schedule = new Schedule(ScheduleKind.Monthly, 31),
        };
        var problems = string.Join("\n", broken.Problems());
        Assert.Contains("'uscc' is used 2 times", problems, StringComparison.Ordinal);
        Assert.Contains("'Bad Name' must be lower-case", problems, StringComparison.Ordinal);
        Assert.Contains("subject key 'nobody'", problems, StringComparison.Ordinal);
        Assert.Contains("'ghost'", problems, StringComparison.Ordinal);
        Assert.Contains("due day", problems, StringComparison.Ordinal);
        Assert.Contains("Chinese title", problems, StringComparison.Ordinal);
        Assert.Empty(Schema.Problems());
        _ = JsonNode.Parse(TableSchemaJson.Write(Schema));
    }
}
