using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.GraphQL;
using Platform.Tests.Support;

namespace Platform.Tests.GraphQL;

/// <summary>
/// What one caller may hold of GraphQL (<see cref="GraphQLCallerLimit"/>, <see cref="FieldGate"/>), proved with reads
/// held up by a lock on the records' table, so that requests and fields are in flight for as long as the test needs.
/// </summary>
public sealed class GraphQLCallerLimitTests
{
    private static readonly string Subject = Files.Uscc(7301);

    private static string Reads(int count) =>
        "{ " + string.Concat(Enumerable.Range(0, count).Select(i => $"r{i}: taxpayerRecords(subject: \"{Subject}\") {{ totalCount }} ")) + "}";

    /// <summary>Holds an exclusive lock on a table (<c>ingest_record</c>: every taxpayer read waits on it) until disposed.</summary>
    private sealed class RecordsHeld : IAsyncDisposable
    {
        private NpgsqlConnection connection = null!;
        private NpgsqlTransaction transaction = null!;

        public static async Task<RecordsHeld> LockAsync(PlatformFactory platform, string table = "platform.ingest_record")
        {
            var held = new RecordsHeld { connection = new NpgsqlConnection(platform.ConnectionString) };
            await held.connection.OpenAsync();
            held.transaction = await held.connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand($"lock table {table} in access exclusive mode", held.connection, held.transaction);
            await command.ExecuteNonQueryAsync();
            return held;
        }

        /// <summary>
        /// Backends waiting for the lock whose statement is like <paramref name="statement"/>: the reads in flight. For the
        /// records' table, the one-household file's reads only (by their subject), not the platform's own work that may
        /// also wait on the lock (the ingest worker's pass, a scheduled run), which made the count say a read was in flight
        /// before it was.
        /// </summary>
        public static async Task<long> WaitingAsync(PlatformFactory platform, string table = "platform.ingest_record", string statement = "%subject_key = $1%")
        {
            await using var connection = new NpgsqlConnection(platform.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.relation = '{table}'::regclass and not l.granted and a.query like $1",
                connection) { Parameters = { new NpgsqlParameter { Value = statement } } };
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_query_s_top_level_reads_take_at_most_two_connections_at_once_and_all_are_answered()
    {
        await using var platform = new PlatformFactory();
        await platform.InitializeAsync();
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Task<HttpResponseMessage> answer;
        await using (await RecordsHeld.LockAsync(platform))
        {
            answer = analyst.PostAsJsonAsync("/graphql", new { query = Reads(5) });
            await Eventually.Until(async () => await RecordsHeld.WaitingAsync(platform) == 2, "two reads waiting on the lock");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Equal(2, await RecordsHeld.WaitingAsync(platform));
        }
        using var response = await answer;
        var body = await Body(response);
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.Equal(5, body.GetProperty("data").EnumerateObject().Count(p => p.Value.GetProperty("totalCount").GetInt32() == 0));
    }

    [Fact]
    public async Task Nested_reads_are_held_to_the_same_turns_as_top_level_ones()
    {
        await using var platform = new PlatformFactory();
        await platform.InitializeAsync();
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var leads = string.Concat(Enumerable.Range(0, 5).Select(i => $"l{i}: leads(first: 1) {{ totalCount }} "));
        Task<HttpResponseMessage> answer;
        await using (await RecordsHeld.LockAsync(platform, "platform.lead"))
        {
            answer = analyst.PostAsJsonAsync("/graphql", new { query = $"{{ taxpayer(subject: \"{Subject}\", purpose: \"gate-test\") {{ {leads} }} }}" });
            await Eventually.Until(async () => await RecordsHeld.WaitingAsync(platform, "platform.lead", "%") == 2, "two lead pages waiting on the lock");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.Equal(2, await RecordsHeld.WaitingAsync(platform, "platform.lead", "%"));
        }
        using var response = await answer;
        var body = await Body(response);
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.Equal(5, body.GetProperty("data").GetProperty("taxpayer").EnumerateObject().Count());
    }

    /// <summary>A platform where a caller's requests run one at a time with one more queued, and <paramref name="perMinute"/> a minute.</summary>
    private static async Task<PlatformFactory> OneAtOnceAsync(int perMinute)
    {
        var platform = new PlatformFactory()
            .WithSetting("GraphQL:RequestsPerCallerAtOnce", "1")
            .WithSetting("GraphQL:QueuedRequestsPerCaller", "1")
            .WithSetting("GraphQL:RequestsPerCallerPerMinute", perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await platform.InitializeAsync();
        return platform;
    }

    [Fact]
    public async Task A_caller_s_requests_beyond_those_at_once_and_queued_are_refused_429_while_other_callers_are_served()
    {
        await using var platform = await OneAtOnceAsync(perMinute: 4);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var sameCallerOtherToken = await platform.ClientForAsync(Roles.Analyst);
        var leader = await platform.ClientForAsync(Roles.Leader);
        Task<HttpResponseMessage> first, queued;
        await using (await RecordsHeld.LockAsync(platform))
        {
            first = analyst.PostAsJsonAsync("/graphql", new { query = Reads(1) });
            await Eventually.Until(async () => await RecordsHeld.WaitingAsync(platform) == 1, "the first read waiting on the lock");
            queued = analyst.PostAsJsonAsync("/graphql", new { query = Reads(1) });
            await Task.Delay(TimeSpan.FromMilliseconds(300));

            // Three refusals while the queue is full: none executed, so none spends one of the caller's four a minute.
            for (var i = 0; i < 3; i++)
            {
                using var refused = await sameCallerOtherToken.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
                var error = (await Body(refused)).GetProperty("errors")[0];
                Assert.Equal(GraphQLCallerLimit.RateLimitedCode, error.GetProperty("extensions").GetProperty("code").GetString());
                Assert.Contains("GraphQL:RequestsPerCallerAtOnce", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            }

            using var other = await leader.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            Assert.Equal(1, await RecordsHeld.WaitingAsync(platform)); // the queued one has not started
        }
        foreach (var response in await Task.WhenAll(first, queued))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False((await Body(response)).TryGetProperty("errors", out _));
        }
        for (var i = 0; i < 2; i++) // the four a minute less the two executed
        {
            using var after = await analyst.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
    }

    [Fact]
    public async Task A_caller_with_none_of_its_minute_s_requests_left_is_refused_at_once_not_after_waiting_for_a_turn()
    {
        await using var platform = await OneAtOnceAsync(perMinute: 1);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Task<HttpResponseMessage> first;
        await using (await RecordsHeld.LockAsync(platform))
        {
            first = analyst.PostAsJsonAsync("/graphql", new { query = Reads(1) });
            await Eventually.Until(async () => await RecordsHeld.WaitingAsync(platform) == 1, "the first read waiting on the lock");

            using var refused = await analyst.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("1 GraphQL requests a minute", (await Body(refused)).GetProperty("errors")[0].GetProperty("message").GetString(),
                StringComparison.Ordinal);
        }
        using var served = await first;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task A_caller_over_its_requests_a_minute_is_refused_429_with_when_to_retry_and_nothing_is_executed()
    {
        await using var platform = new PlatformFactory().WithSetting("GraphQL:RequestsPerCallerPerMinute", "3");
        await platform.InitializeAsync();
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        for (var i = 0; i < 3; i++)
        {
            using var served = await analyst.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        using var refused = await analyst.PostAsJsonAsync("/graphql", new { query = $"{{ taxpayerRecords(subject: \"{Subject}\", purpose: \"limit-test\") {{ totalCount }} }}" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 20); // the next of three a minute is due within 20 s
        var body = await Body(refused);
        Assert.False(body.TryGetProperty("data", out _));
        var error = body.GetProperty("errors")[0];
        Assert.Equal(GraphQLCallerLimit.RateLimitedCode, error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.InRange(error.GetProperty("extensions").GetProperty("retryAfter").GetInt32(), 1, 20);
        Assert.Contains("3 GraphQL requests a minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Nothing ran: the read was not audited.
        var admin = await platform.ClientForAsync(Roles.Admin);
        var audit = await admin.GetStringAsync($"/api/audit?subject={Subject}");
        Assert.DoesNotContain("limit-test", audit, StringComparison.Ordinal);

        using var other = await (await platform.ClientForAsync(Roles.Leader)).PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
