using System.Net;
using System.Net.Http.Json;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>The platform on a clock the test sets, with a per-client rate limit small enough to reach.</summary>
public sealed class InvoiceLimitsPlatform : ClockedPlatformFactory
{
    public const int RequestsPerMinute = 12;

    public InvoiceLimitsPlatform() => WithSetting("Invoices:RequestsPerClientPerMinute", RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public sealed class InvoiceDailyLimitTests(InvoiceLimitsPlatform platform) : IClassFixture<InvoiceLimitsPlatform>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task The_sixth_lookup_of_an_invoice_in_a_day_across_callers_is_limit_reached_until_midnight_in_the_platform_time_zone()
    {
        var row = IssuedInvoices.Legacy(7101);
        await IssuedInvoices.SendAsync(platform, [row]);
        // 23:30 in Shanghai, two days from now (tokens are issued and checked on the same clock).
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime).AddDays(2);
        var lateEvening = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 30)), TimeSpan.FromHours(8));
        platform.Clock.MoveTo(lateEvening);
        var callers = new[] { await platform.ClientForAsync(Roles.Agency, "finance"), await platform.ClientForAsync(Roles.Analyst) };

        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await callers[i % 2].VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString()!);
        }
        var sixth = await callers[0].VerifyAsync(IssuedInvoices.Lookup(row));
        var otherInvoice = await callers[0].VerifyAsync(IssuedInvoices.Lookup(IssuedInvoices.Legacy(7102)));

        Assert.Equal(Enumerable.Repeat("consistent", 5), answers);
        Assert.Equal("limit-reached", sixth.GetProperty("result").GetString());
        Assert.Equal(new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), sixth.GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Equal("not-found", otherInvoice.GetProperty("result").GetString());

        platform.Clock.MoveTo(lateEvening.AddMinutes(30).AddSeconds(1));
        Assert.Equal("consistent", (await callers[1].VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());

        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        Assert.Equal([.. Enumerable.Repeat("consistent", 5), "limit-reached", "consistent"],
            (await IssuedInvoices.AuditedAsync(platform, key, 7)).Select(e => e.Operation[LookupAudit.Operation("").Length..]));
    }

    [Fact]
    public async Task A_client_over_its_rate_limit_is_answered_429_with_retry_after_whichever_of_its_tokens_it_sends()
    {
        // A client of its own: the other tests' lookups count against theirs.
        var client = await platform.ClientForAsync(Roles.Agency, "natural-resources");
        var statuses = new List<HttpStatusCode>();
        // The first request of a token counts for the token (it is not validated yet), the rest for the client.
        for (var i = 0; i <= InvoiceLimitsPlatform.RequestsPerMinute + 1; i++)
        {
            statuses.Add(await LookupStatusAsync(client));
        }
        var secondToken = await platform.ClientForAsync(Roles.Agency, "natural-resources");
        var secondTokenStatuses = new[] { await LookupStatusAsync(secondToken), await LookupStatusAsync(secondToken) };
        var anotherClient = await platform.ClientForAsync(Roles.Agency, "medical-insurance");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, InvoiceLimitsPlatform.RequestsPerMinute + 1), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], secondTokenStatuses);
        Assert.Equal(HttpStatusCode.BadRequest, await LookupStatusAsync(anotherClient));
    }

    /// <summary>The status of a malformed lookup (400 when let through); a 429 must say when to come back.</summary>
    private static async Task<HttpStatusCode> LookupStatusAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/invoices/verify", new { number = "x" });
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.NotNull(response.Headers.RetryAfter);
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task Lookups_connections_commit_asynchronously_use_generic_plans_and_have_a_bounded_pool_of_their_own()
    {
        var lookups = platform.Services.GetRequiredService<LookupDatabase>();
        var options = platform.Services.GetRequiredService<InvoiceOptions>();
        await using var connection = await lookups.OpenConnectionAsync(CancellationToken.None);
        await using var show = new NpgsqlCommand("show synchronous_commit", connection);

        Assert.Equal("off", await show.ExecuteScalarAsync());
        await using var showPlans = new NpgsqlCommand("show plan_cache_mode", connection);
        Assert.Equal("force_generic_plan", await showPlans.ExecuteScalarAsync());
        Assert.Equal(options.MaxConnections, new NpgsqlConnectionStringBuilder(connection.ConnectionString).MaxPoolSize);
        await using var platformConnection = await platform.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var platformShow = new NpgsqlCommand("show synchronous_commit", platformConnection);
        Assert.Equal("on", await platformShow.ExecuteScalarAsync());
    }
}
