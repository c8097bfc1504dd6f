using System.Text.Json;
using Platform.Templates.Schema;

namespace Platform.Tests.Templates;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2024-03", true)]
    [InlineData("1900-01", true)]
    [InlineData("2999-12", true)]
    [InlineData("2024-3", false)]
    [InlineData("2024-13", false)]
    [InlineData("2024-00", false)]
    [InlineData(" 2024-03", false)]
    [InlineData("2024/03", false)]
    [InlineData("0001-01", false)]
    [InlineData("9999-12", false)]
    [InlineData("２０２４-03", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_period_is_read_only_as_yyyy_MM_within_the_years_it_may_name(string? text, bool valid)
    {
        Assert.Equal(valid, Period.TryParse(text, out var period));
        if (valid)
        {
            Assert.Equal(text, period.ToString());
        }
    }

    [Fact]
    public void A_period_knows_its_days_its_neighbours_and_when_it_is_due()
    {
        var december = Period.Parse("2024-12");
        Assert.Equal((new DateOnly(2024, 12, 1), new DateOnly(2024, 12, 31)), (december.FirstDay, december.LastDay));
        Assert.Equal("2025-01", december.Next.ToString());
        Assert.Equal("2023-12", december.AddMonths(-12).ToString());
        Assert.Equal(13, Period.Parse("2026-01").MonthsSince(december));
        Assert.True(december.IsQuarterEnd && !Period.Parse("2024-11").IsQuarterEnd);
        Assert.True(Period.Parse("2024-11") < december);
        Assert.Equal(new DateOnly(2025, 1, 10), december.DueDate(new Schedule(ScheduleKind.Monthly, 10)));
        Assert.Equal(new DateOnly(2024, 10, 1), december.CoversFrom(new Schedule(ScheduleKind.Quarterly, 15)));
        Assert.Null(december.DueDate(Schedule.OnDemand));
        Assert.Equal(Period.Parse("2026-11"), Period.Of(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.FromHours(-8))).AddMonths(-1));
    }

    [Fact]
    public void A_period_is_its_text_in_json()
    {
        Assert.Equal("\"2026-10\"", JsonSerializer.Serialize(Period.Parse("2026-10")));
        Assert.Equal(Period.Parse("2026-10"), JsonSerializer.Deserialize<Period>("\"2026-10\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Period>("\"2026-10-01\""));
    }
}
