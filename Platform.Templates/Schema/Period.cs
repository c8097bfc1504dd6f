using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Templates.Schema;

/// <summary>
/// A tax period (所属期): a year and a month, written <c>yyyy-MM</c> everywhere it is read or shown. Parsed once at the
/// edge (<see cref="TryParse"/>), kept as this type, and written back in the same lexical form. A quarterly template's
/// period is the quarter's last month. Where a period must be a string (a submission document's column, an event) it is
/// this type's <see cref="ToString"/>; where SQL needs a date, <see cref="FirstDay"/>.
/// </summary>
[JsonConverter(typeof(PeriodJsonConverter))]
public readonly record struct Period : IComparable<Period>
{
    /// <summary>The earliest and latest years a period may name: wide for history, narrow enough to be arithmetic-safe.</summary>
    public const int MinYear = 1900, MaxYear = 2999;

    private Period(int year, int month)
    {
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    public static Period Of(DateOnly day) => new(day.Year, day.Month);

    public static Period Of(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month);

    /// <summary><c>yyyy-MM</c> exactly (four-digit year from <see cref="MinYear"/> to <see cref="MaxYear"/>, month 01–12).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Period period)
    {
        period = default;
        if (text is not { Length: 7 } || text[4] != '-' ||
            !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) ||
            year is < MinYear or > MaxYear || month is < 1 or > 12)
        {
            return false;
        }
        period = new Period(year, month);
        return true;
    }

    public static Period Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException($"'{text}' is not a period written yyyy-MM, such as 2024-03.");

    /// <summary>What a refusal says about a period that could not be read.</summary>
    public const string Expected = "Give the period as year and month, such as 2024-03 (years 1900 to 2999).";

    public DateOnly FirstDay => new(Year, Month, 1);

    public DateOnly LastDay => FirstDay.AddMonths(1).AddDays(-1);

    public Period AddMonths(int months) => Of(FirstDay.AddMonths(months));

    public Period Next => AddMonths(1);

    public bool IsQuarterEnd => Month % 3 == 0;

    /// <summary>Months from <paramref name="other"/> to this period (negative when this one is earlier).</summary>
    public int MonthsSince(Period other) => ((Year - other.Year) * 12) + Month - other.Month;

    /// <summary>
    /// When the period's data is due: a monthly template by day N of the next month; a quarterly one (the period is the
    /// quarter's last month) by day N of the month after the quarter; on demand never.
    /// </summary>
    public DateOnly? DueDate(Schedule schedule) => schedule.Kind switch
    {
        ScheduleKind.Monthly or ScheduleKind.Quarterly => FirstDay.AddMonths(1).AddDays((schedule.Day ?? 1) - 1),
        _ => null,
    };

    /// <summary>The first day of what the period covers: the month, or the quarter for a quarterly template.</summary>
    public DateOnly CoversFrom(Schedule schedule) => schedule.Kind == ScheduleKind.Quarterly ? FirstDay.AddMonths(-2) : FirstDay;

    public int CompareTo(Period other) => MonthsSince(other);

    public static bool operator <(Period left, Period right) => left.CompareTo(right) < 0;

    public static bool operator >(Period left, Period right) => left.CompareTo(right) > 0;

    public static bool operator <=(Period left, Period right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Period left, Period right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}

/// <summary>A period in JSON is its text, <c>"2024-03"</c>.</summary>
public sealed class PeriodJsonConverter : JsonConverter<Period>
{
    public override Period Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Period.TryParse(reader.GetString(), out var period) ? period : throw new JsonException(Period.Expected);

    public override void Write(Utf8JsonWriter writer, Period value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
