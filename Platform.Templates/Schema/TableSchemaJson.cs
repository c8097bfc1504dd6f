using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Templates.Schema;

/// <summary>
/// Reads and writes a template as Frictionless Table Schema JSON. Only standard keys carry the standard meaning;
/// the platform's own (English titles, domain formats, subject key, period, schedule) sit under <c>x-platform</c>
/// objects, which other Table Schema tools ignore. A domain format is written there, not in <c>format</c>, because
/// the standard allows only its own format names.
/// </summary>
public static class TableSchemaJson
{
    public const string Extension = "x-platform";

    private static readonly Dictionary<FieldType, string> TypeNames = new()
    {
        [FieldType.String] = "string",
        [FieldType.Integer] = "integer",
        [FieldType.Number] = "number",
        [FieldType.Boolean] = "boolean",
        [FieldType.Date] = "date",
        [FieldType.Datetime] = "datetime",
        [FieldType.Year] = "year",
        [FieldType.YearMonth] = "yearmonth",
    };

    private static readonly Dictionary<DomainFormat, string> FormatNames = new()
    {
        [DomainFormat.Uscc] = "uscc",
        [DomainFormat.Division] = "division",
        [DomainFormat.CnId] = "cn-id",
        [DomainFormat.Money] = "money",
        [DomainFormat.InvoiceCode] = "invoice-code",
        [DomainFormat.InvoiceNumber] = "invoice-number",
    };

    private static readonly Dictionary<ScheduleKind, string> ScheduleNames = new()
    {
        [ScheduleKind.Monthly] = "monthly",
        [ScheduleKind.Quarterly] = "quarterly",
        [ScheduleKind.OnDemand] = "on-demand",
    };

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static string TypeName(FieldType type) => TypeNames[type];

    public static string FormatName(DomainFormat format) => FormatNames.GetValueOrDefault(format, "default");

    public static string Write(TemplateSchema schema, TemplateDescriptor? descriptor = null) =>
        ToJson(schema, descriptor).ToJsonString(Indented);

    public static JsonObject ToJson(TemplateSchema schema, TemplateDescriptor? descriptor = null)
    {
        var extension = new JsonObject { ["subjectKey"] = schema.SubjectKey };
        if (schema.PeriodField is not null)
        {
            extension["periodField"] = schema.PeriodField;
        }
        extension["schedule"] = schema.Schedule.Day is { } day
            ? new JsonObject { ["kind"] = ScheduleNames[schema.Schedule.Kind], ["day"] = day }
            : new JsonObject { ["kind"] = ScheduleNames[schema.Schedule.Kind] };
        if (descriptor is not null)
        {
            extension["template"] = JsonSerializer.SerializeToNode(descriptor, JsonSerializerOptions.Web);
        }

        var json = new JsonObject { ["fields"] = new JsonArray([.. schema.Fields.Select(FieldToJson)]) };
        if (schema.PrimaryKey.Count > 0)
        {
            json["primaryKey"] = new JsonArray([.. schema.PrimaryKey.Select(k => (JsonNode)k)]);
        }
        json["missingValues"] = new JsonArray([.. schema.MissingValues.Select(v => (JsonNode)v)]);
        json[Extension] = extension;
        return json;
    }

    private static JsonObject FieldToJson(TemplateField field)
    {
        var json = new JsonObject { ["name"] = field.Name, ["title"] = field.Title };
        if (field.Description is not null)
        {
            json["description"] = field.Description;
        }
        json["type"] = TypeNames[field.Type];
        if (field.Example is not null)
        {
            json["example"] = field.Example;
        }
        var c = field.Constraints;
        var constraints = new JsonObject();
        if (c.Required)
        {
            constraints["required"] = true;
        }
        if (c.Unique)
        {
            constraints["unique"] = true;
        }
        if (c.Minimum is not null)
        {
            constraints["minimum"] = Value(field.Type, c.Minimum);
        }
        if (c.Maximum is not null)
        {
            constraints["maximum"] = Value(field.Type, c.Maximum);
        }
        if (c.MinLength is { } minLength)
        {
            constraints["minLength"] = minLength;
        }
        if (c.MaxLength is { } maxLength)
        {
            constraints["maxLength"] = maxLength;
        }
        if (c.Pattern is not null)
        {
            constraints["pattern"] = c.Pattern;
        }
        if (c.Enum is not null)
        {
            constraints["enum"] = new JsonArray([.. c.Enum.Select(v => Value(field.Type, v))]);
        }
        if (constraints.Count > 0)
        {
            json["constraints"] = constraints;
        }
        var extension = new JsonObject { ["titleEn"] = field.TitleEn };
        if (field.Format != DomainFormat.None)
        {
            extension["format"] = FormatNames[field.Format];
        }
        if (field.Format == DomainFormat.Uscc && field.UsccCheck == Severity.Error)
        {
            extension["usccCheck"] = "error";
        }
        json[Extension] = extension;
        return json;
    }

    /// <summary>Numbers are JSON numbers in Table Schema; everything else is a string.</summary>
    private static JsonValue? Value(FieldType type, string value) =>
        type is FieldType.Integer or FieldType.Number or FieldType.Year &&
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);

    /// <summary>Reads Table Schema JSON; a problem says where (field and key) and what is expected.</summary>
    public static TemplateSchema Read(string json) => ReadWithDescriptor(json).Schema;

    /// <summary>Reads the schema and, when the JSON names one under <c>x-platform.template</c>, its template.</summary>
    public static (TemplateSchema Schema, TemplateDescriptor? Descriptor) ReadWithDescriptor(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TableSchemaException($"Not valid JSON: {e.Message}");
        }
        var rootObject = root as JsonObject ?? throw new TableSchemaException("A Table Schema is a JSON object with a 'fields' array.");
        var schema = Read(rootObject);
        var descriptor = rootObject[Extension]?["template"]?.Deserialize<TemplateDescriptor>(JsonSerializerOptions.Web);
        return (schema, descriptor);
    }

    public static TemplateSchema Read(JsonObject root)
    {
        try
        {
            return ReadSchema(root);
        }
        catch (InvalidOperationException e)
        {
            throw new TableSchemaException($"A value has the wrong JSON type: {e.Message}");
        }
    }

    private static TemplateSchema ReadSchema(JsonObject root)
    {
        var fields = root["fields"] as JsonArray ?? throw new TableSchemaException("A Table Schema needs a 'fields' array.");
        var extension = root[Extension] as JsonObject;
        var schedule = extension?["schedule"] as JsonObject;
        return new TemplateSchema
        {
            Fields = [.. fields.Select((f, i) => ReadField(f as JsonObject ?? throw new TableSchemaException($"fields[{i}] is not an object."), i))],
            PrimaryKey = root["primaryKey"] switch
            {
                null => [],
                JsonValue single => [single.GetValue<string>()],
                JsonArray many => [.. many.Select(k => k!.GetValue<string>())],
                _ => throw new TableSchemaException("'primaryKey' must be a field name or an array of field names."),
            },
            MissingValues = root["missingValues"] is JsonArray missing ? [.. missing.Select(v => v!.GetValue<string>())] : [""],
            SubjectKey = extension?["subjectKey"]?.GetValue<string>()
                         ?? throw new TableSchemaException($"'{Extension}.subjectKey' must name the field that identifies the taxpayer."),
            PeriodField = extension?["periodField"]?.GetValue<string>(),
            Schedule = schedule is null
                ? Schedule.OnDemand
                : new Schedule(Parse(ScheduleNames, schedule["kind"]?.GetValue<string>(), $"{Extension}.schedule.kind"),
                    schedule["day"]?.GetValue<int>()),
        };
    }

    private static TemplateField ReadField(JsonObject json, int index)
    {
        var name = json["name"]?.GetValue<string>() ?? throw new TableSchemaException($"fields[{index}] has no 'name'.");
        var where = $"field '{name}'";
        var extension = json[Extension] as JsonObject;
        var constraints = json["constraints"] as JsonObject;
        var format = json["format"]?.GetValue<string>();
        if (format is not null and not "default")
        {
            throw new TableSchemaException($"{where}: format '{format}' is not supported; domain formats go in '{Extension}.format'.");
        }
        return new TemplateField
        {
            Name = name,
            Title = json["title"]?.GetValue<string>() ?? "",
            TitleEn = extension?["titleEn"]?.GetValue<string>() ?? "",
            Description = json["description"]?.GetValue<string>(),
            Example = Text(json["example"]),
            Type = Parse(TypeNames, json["type"]?.GetValue<string>() ?? "string", $"{where} type"),
            Format = extension?["format"] is { } domain ? Parse(FormatNames, domain.GetValue<string>(), $"{where} {Extension}.format") : DomainFormat.None,
            UsccCheck = extension?["usccCheck"]?.GetValue<string>() == "error" ? Severity.Error : Severity.Warning,
            Constraints = constraints is null
                ? FieldConstraints.None
                : new FieldConstraints
                {
                    Required = constraints["required"]?.GetValue<bool>() ?? false,
                    Unique = constraints["unique"]?.GetValue<bool>() ?? false,
                    Minimum = Text(constraints["minimum"]),
                    Maximum = Text(constraints["maximum"]),
                    MinLength = constraints["minLength"]?.GetValue<int>(),
                    MaxLength = constraints["maxLength"]?.GetValue<int>(),
                    Pattern = constraints["pattern"]?.GetValue<string>(),
                    Enum = constraints["enum"] is JsonArray values ? [.. values.Select(v => Text(v)!)] : null,
                },
        };
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => throw new TableSchemaException($"Expected a number or a string, not {node.ToJsonString()}."),
    };

    private static T Parse<T>(Dictionary<T, string> names, string? value, string where) where T : notnull
    {
        foreach (var (key, name) in names)
        {
            if (name == value)
            {
                return key;
            }
        }
        throw new TableSchemaException($"{where}: '{value}' is not one of {string.Join(", ", names.Values)}.");
    }
}

/// <summary>Which template a Table Schema export belongs to (under <c>x-platform.template</c>).</summary>
public sealed record TemplateDescriptor(string Id, string Agency, string Kind, string Title, string TitleEn, int Version);

public sealed class TableSchemaException(string message) : Exception(message);
