using Platform.Comparisons.Leads;
using Platform.Templates.Schema;

namespace Platform.Tests.Leads;

public sealed class LateFeeTests
{
    [Theory]
    [InlineData("2026-04-15", "2026-04-15", 0)]
    [InlineData("2026-04-15", "2026-04-16", 1)]
    [InlineData("2026-04-15", "2026-05-15", 30)]
    [InlineData("2026-04-15", "2026-04-01", 0)]
    public void Days_run_from_the_day_after_the_deadline_to_the_day_of_payment(string deadline, string paidOn, int days) =>
        Assert.Equal(days, LateFee.Days(DateOnly.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(paidOn, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(10000.00, 30, 150.00)]
    [InlineData(333.33, 1, 0.17)]
    [InlineData(1.00, 10, 0.01)]
    [InlineData(0, 30, 0)]
    public void The_fee_is_half_a_thousandth_of_the_unpaid_tax_per_day_rounded_to_the_fen(decimal tax, int days, decimal fee)
    {
        var deadline = new DateOnly(2026, 4, 15);
        Assert.Equal(fee, LateFee.Of(tax, deadline, deadline.AddDays(days)));
    }

    [Fact]
    public void A_monthly_period_is_due_on_the_fifteenth_of_the_next_month() =>
        Assert.Equal(new DateOnly(2027, 1, 15), LateFee.DeadlineOf(Period.Parse("2026-12")));
}
