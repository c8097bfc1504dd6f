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

    /// <summary>A batch's most lines here: below the minute's allowance, which a whole batch must fit in.</summary>
    public const int MaxBatch = 10;

    public InvoiceLimitsPlatform() => WithSetting("Invoices:LookupsPerCallerPerMinute", RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithSetting("Invoices:MaxBatchInvoices", MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

public sealed class InvoiceDailyLimitTests(InvoiceLimitsPlatform platform) : IClassFixture<InvoiceLimitsPlatform>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task The_limits_as_configured_are_told_to_callers_who_may_look_up_and_to_no_one_else()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        var limits = await agency.GetFromJsonAsync<InvoiceLimits>("/api/invoices/limits");

        Assert.Equal(new InvoiceLimits(5, 4, InvoiceLimitsPlatform.RequestsPerMinute, 50_000, InvoiceLimitsPlatform.MaxBatch, "Asia/Shanghai"), limits);
        using var leader = await (await platform.ClientForAsync(Roles.Leader)).GetAsync("/api/invoices/limits");
        Assert.Equal(HttpStatusCode.Forbidden, leader.StatusCode);
    }

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
        var remaining = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var answer = await callers[i % 2].VerifyAsync(IssuedInvoices.Lookup(row));
            answers.Add(answer.GetProperty("result").GetString()!);
            remaining.Add(answer.GetProperty("remaining").GetInt32());
        }
        var sixth = await callers[0].VerifyAsync(IssuedInvoices.Lookup(row));
        var otherInvoice = await callers[0].VerifyAsync(IssuedInvoices.Lookup(IssuedInvoices.Legacy(7102)));

        Assert.Equal(Enumerable.Repeat("consistent", 5), answers);
        // Left to each caller after its lookup: the lesser of its share (4) and the invoice's day (5), callers alternating.
        Assert.Equal([3, 3, 2, 1, 0], remaining);
        Assert.Equal(0, sixth.GetProperty("remaining").GetInt32());
        Assert.Equal(("limit-reached", LookupCounter.InvoiceDay), (sixth.GetProperty("result").GetString(), sixth.GetProperty("spent").GetString()));
        Assert.Equal(new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), sixth.GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Equal("not-found", otherInvoice.GetProperty("result").GetString());

        platform.Clock.MoveTo(lateEvening.AddMinutes(30).AddSeconds(1));
        Assert.Equal("consistent", (await callers[1].VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());

        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        Assert.Equal([.. Enumerable.Repeat("consistent", 5), "limit-reached", "consistent"],
            (await IssuedInvoices.AuditedAsync(platform, key, 7)).Select(e => e.Operation[LookupAudit.Operation("").Length..]));
    }

    [Fact]
    public async Task A_client_over_its_rate_limit_is_answered_429_with_retry_after_whichever_of_its_tokens_it_sends_and_over_graphql()
    {
        // A client of its own: the other tests' lookups count against theirs.
        var client = await platform.ClientForAsync(Roles.Agency, "natural-resources");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= InvoiceLimitsPlatform.RequestsPerMinute; i++)
        {
            statuses.Add(await LookupStatusAsync(client));
        }
        var secondToken = await platform.ClientForAsync(Roles.Agency, "natural-resources");
        var overGraphQL = await GraphQLErrorCodesAsync(secondToken, 1);
        var anotherClient = await platform.ClientForAsync(Roles.Agency, "medical-insurance");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, InvoiceLimitsPlatform.RequestsPerMinute), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, await LookupStatusAsync(secondToken));
        Assert.Equal([InvoiceLookupLimit.RateLimitedCode], overGraphQL);
        Assert.Equal(HttpStatusCode.BadRequest, await LookupStatusAsync(anotherClient));
    }

    [Fact]
    public async Task A_batch_takes_a_permit_per_invoice_and_one_over_the_allowance_is_refused_whole_with_nothing_counted()
    {
        var officer = await platform.ClientForAsync(Roles.Officer); // a caller of its own
        object[] Batch(int from, int count) => [.. Enumerable.Range(from, count).Select(i => IssuedInvoices.Lookup(IssuedInvoices.Legacy(7600 + i)))];

        using var whole = await officer.PostAsJsonAsync("/api/invoices/verify-batch", Batch(0, InvoiceLimitsPlatform.MaxBatch));
        using var over = await officer.PostAsJsonAsync("/api/invoices/verify-batch", Batch(InvoiceLimitsPlatform.MaxBatch, 3));
        var overBody = await over.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), (whole.StatusCode, over.StatusCode));
        Assert.Contains("a batch counts each of its invoices", overBody, StringComparison.Ordinal);
        Assert.NotNull(over.Headers.RetryAfter);
        var refusedKey = IngestRecords.InvoiceKey(IssuedInvoices.Legacy(7600 + InvoiceLimitsPlatform.MaxBatch)[0], IssuedInvoices.Legacy(7600 + InvoiceLimitsPlatform.MaxBatch)[1]);
        Assert.Empty(await platform.Services.GetRequiredService<Platform.Api.Audit.AuditTrail>().QueryAsync(null, refusedKey, null, null, 10, default));
        // What is left of the minute's allowance (12 less the batch's 10) is still there: the refused batch took none of it.
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests],
            [await LookupStatusAsync(officer), await LookupStatusAsync(officer), await LookupStatusAsync(officer)]);
    }

    [Fact]
    public async Task Each_verify_invoice_field_of_a_graphql_request_takes_a_permit_of_the_callers_limit()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "housing-registry");

        var codes = await GraphQLErrorCodesAsync(client, InvoiceLimitsPlatform.RequestsPerMinute + 3);

        // Malformed lookups (INVALID) until the limit, then RATE_LIMITED for the rest of the request.
        Assert.Equal([.. Enumerable.Repeat("INVALID", InvoiceLimitsPlatform.RequestsPerMinute), .. Enumerable.Repeat(InvoiceLookupLimit.RateLimitedCode, 3)], codes);
        Assert.Equal(HttpStatusCode.TooManyRequests, await LookupStatusAsync(client));
    }

    [Fact]
    public async Task A_rate_limited_verify_invoice_field_is_null_beside_its_error_and_the_requests_answered_lookups_are_kept()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var fields = InvoiceLimitsPlatform.RequestsPerMinute + 1;
        var query = "{ " + string.Concat(Enumerable.Range(0, fields).Select(i =>
            $"v{i}: verifyInvoice(code: \"4100191130\", number: \"{7500000 + i:D8}\", issueDate: \"2024-05-15\", amountExcludingTax: \"1.00\") {{ result }} ")) + "}";

        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = body.RootElement.GetProperty("data");

        Assert.All(Enumerable.Range(0, fields - 1), i => Assert.Equal("not-found", data.GetProperty($"v{i}").GetProperty("result").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty($"v{fields - 1}").ValueKind);
        Assert.Equal(InvoiceLookupLimit.RateLimitedCode, body.RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    /// <summary>The error codes of a GraphQL request of <paramref name="fields"/> aliased malformed <c>verifyInvoice</c> fields, in field order.</summary>
    private static async Task<List<string>> GraphQLErrorCodesAsync(HttpClient client, int fields)
    {
        var query = "{ " + string.Concat(Enumerable.Range(0, fields).Select(i => $"v{i}: verifyInvoice(number: \"x\", issueDate: \"2024-05-15\") {{ result }} ")) + "}";
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("errors").EnumerateArray()
            .OrderBy(e => int.Parse(e.GetProperty("path")[0].GetString()![1..], System.Globalization.CultureInfo.InvariantCulture))
            .Select(e => e.GetProperty("extensions"))
            .Select(x => x.GetProperty("code").GetString() is InvoiceLookupLimit.RateLimitedCode && x.GetProperty("retryAfter").GetInt32() is < 1 or > 60
                ? "RATE_LIMITED without a retryAfter of 1 to 60 seconds" : x.GetProperty("code").GetString()!)];
    }

    /// <summary>The status of a malformed lookup (400 when let through); a 429 must say when to come back.</summary>
    internal static async Task<HttpStatusCode> LookupStatusAsync(HttpClient client)
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
