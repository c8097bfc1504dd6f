namespace Platform.Templates.Schema;

/// <summary>Table Schema field types the platform accepts.</summary>
public enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
    Year,
    YearMonth,
}

/// <summary>The platform's domain formats, each on a base type: money on number, the others on string.</summary>
public enum DomainFormat
{
    None,

    /// <summary>Unified Social Credit Code, GB 32100 (统一社会信用代码).</summary>
    Uscc,

    /// <summary>Administrative division code, GB/T 2260 (行政区划代码).</summary>
    Division,

    /// <summary>Resident identity number, GB 11643 (公民身份号码).</summary>
    CnId,

    /// <summary>An amount in yuan with at most two decimals; non-negative unless the minimum says otherwise.</summary>
    Money,

    /// <summary>10- or 12-digit VAT invoice code (发票代码).</summary>
    InvoiceCode,

    /// <summary>8-digit invoice number, or the 20-digit number of a fully digital invoice (全电发票号码).</summary>
    InvoiceNumber,
}

public enum Severity
{
    Error,
    Warning,
}

/// <summary>Table Schema constraints. Minimum and maximum are written as the field's own values (a number, a date).</summary>
public sealed record FieldConstraints
{
    public bool Required { get; init; }
    public bool Unique { get; init; }
    public string? Minimum { get; init; }
    public string? Maximum { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public string? Pattern { get; init; }
    public IReadOnlyList<string>? Enum { get; init; }

    public static readonly FieldConstraints None = new();
}

/// <summary>
/// One column of a template: its name (what the file's header says), Chinese and English titles (both are also
/// accepted as the header label), type, domain format and constraints.
/// </summary>
public sealed record TemplateField
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public required string TitleEn { get; init; }
    public string? Description { get; init; }

    /// <summary>A valid value shown to clerks and used in the example file (Table Schema's <c>example</c>).</summary>
    public string? Example { get; init; }

    public FieldType Type { get; init; } = FieldType.String;
    public DomainFormat Format { get; init; }
    public FieldConstraints Constraints { get; init; } = FieldConstraints.None;

    /// <summary>
    /// How a USCC whose check character is wrong counts. A warning by default: early pilot codes are legal yet fail it.
    /// </summary>
    public Severity UsccCheck { get; init; } = Severity.Warning;
}
