namespace Platform.Comparisons.Leads;

/// <summary>滞纳金: 0.05% of the unpaid tax per day, from the day after the deadline to the day of payment, both counted.</summary>
public static class LateFee
{
    public const decimal DailyRate = 0.0005m;

    public static int Days(DateOnly deadline, DateOnly paidOn) => Math.Max(0, paidOn.DayNumber - deadline.DayNumber);

    /// <summary>Rounded half away from zero to the fen, as every computed amount (RULES.md).</summary>
    public static decimal Of(decimal unpaidTax, DateOnly deadline, DateOnly paidOn) =>
        unpaidTax <= 0 ? 0 : Math.Round(unpaidTax * DailyRate * Days(deadline, paidOn), 2, MidpointRounding.AwayFromZero);

    /// <summary>The filing deadline of a monthly period: the 15th of the next month (申报期限), the default when a confirmation names none.</summary>
    public static DateOnly DeadlineOf(Platform.Templates.Schema.Period period) => period.Next.FirstDay.AddDays(14);
}
