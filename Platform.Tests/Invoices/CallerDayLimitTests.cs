using System.Net;
using System.Net.Http.Json;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>The platform on a clock the test sets, with a caller's day of lookups small enough to reach in a minute.</summary>
public sealed class CallerDayPlatform : ClockedPlatformFactory
{
    public const int PerDay = 10;

    public CallerDayPlatform() => WithSetting("Invoices:LookupsPerCallerPerMinute", "100")
        .WithSetting("Invoices:LookupsPerCallerPerDay", PerDay.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithSetting("Invoices:MaxBatchInvoices", PerDay.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public sealed class CallerDayLimitTests(CallerDayPlatform platform) : IClassFixture<CallerDayPlatform>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task A_caller_over_its_lookups_of_the_day_is_refused_until_midnight_in_the_platform_time_zone_and_others_are_not()
    {
        // 22:00 in Shanghai, three days from now: two hours to midnight.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime).AddDays(3);
        platform.Clock.MoveTo(new DateTimeOffset(day.ToDateTime(new TimeOnly(22, 0)), TimeSpan.FromHours(8)));
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var batch = Enumerable.Range(0, CallerDayPlatform.PerDay).Select(i => IssuedInvoices.Lookup(IssuedInvoices.Legacy(7700 + i))).ToArray();

        using var whole = await agency.PostAsJsonAsync("/api/invoices/verify-batch", batch);
        using var over = await agency.PostAsJsonAsync("/api/invoices/verify", IssuedInvoices.Lookup(IssuedInvoices.Legacy(7799)));
        var anotherCaller = await InvoiceDailyLimitTests.LookupStatusAsync(await platform.ClientForAsync(Roles.Analyst));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (whole.StatusCode, over.StatusCode));
        Assert.Contains($"At most {CallerDayPlatform.PerDay} invoice lookups a day per caller, until midnight (Asia/Shanghai)",
            await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(over.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 2 * 3600 - 60, 2 * 3600);
        Assert.Equal(HttpStatusCode.BadRequest, anotherCaller);

        platform.Clock.MoveTo(new DateTimeOffset(day.AddDays(1).ToDateTime(new TimeOnly(0, 1)), TimeSpan.FromHours(8)));
        // The same caller with a token of the new day (the evening's has expired by then).
        Assert.Equal(HttpStatusCode.BadRequest, await InvoiceDailyLimitTests.LookupStatusAsync(await platform.ClientForAsync(Roles.Agency, "finance")));
    }
}
