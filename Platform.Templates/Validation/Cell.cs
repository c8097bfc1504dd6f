namespace Platform.Templates.Validation;

public enum CellKind : byte
{
    Missing,
    Text,
    Number,
    Boolean,
    Date,

    /// <summary>A year and month (<c>yearmonth</c>): <see cref="Cell.Date"/> is the month's first day, written back as <c>yyyy-MM</c>.</summary>
    Month,
}

/// <summary>
/// One typed value of a row, without boxing: text for string fields, a decimal for integer, number, money and year,
/// a date-time for date, datetime and yearmonth (the month's first day, kind Month), a flag for boolean.
/// </summary>
public struct Cell
{
    public CellKind Kind { get; set; }
    public string? Text { get; set; }
    public decimal Number { get; set; }
    public DateTime Date { get; set; }
    public bool Boolean { get; set; }

    public readonly bool IsMissing => Kind == CellKind.Missing;

    public override readonly string ToString() => Kind switch
    {
        CellKind.Text => Text!,
        CellKind.Number => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        CellKind.Boolean => Boolean ? "true" : "false",
        CellKind.Date => Date.TimeOfDay == TimeSpan.Zero ? Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : Date.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        CellKind.Month => Date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };
}
