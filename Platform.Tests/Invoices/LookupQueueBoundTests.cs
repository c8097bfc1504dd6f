using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>The platform answering one batch of single lookups at a time, with room for one lookup to wait for it.</summary>
public sealed class OneQueuedLookupPlatform : PlatformFactory
{
    public OneQueuedLookupPlatform()
    {
        WithSetting("Invoices:LookupBatchesAtOnce", "1");
        WithSetting("Invoices:MaxQueuedLookups", "1");
    }
}

/// <summary>
/// Single lookups beyond <c>Invoices:MaxQueuedLookups</c> are refused, over REST and GraphQL, and not counted or audited.
/// The batch is held out by a lock on the daily count's table and the queue is watched filling, so nothing depends on timing.
/// </summary>
public sealed class LookupQueueBoundTests(OneQueuedLookupPlatform platform) : IClassFixture<OneQueuedLookupPlatform>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Over_rest_a_lookup_beyond_the_queue_is_a_503_with_retry_after_and_is_neither_counted_nor_audited()
    {
        var row = IssuedInvoices.Legacy(7301);
        var client = await platform.ClientForAsync(Roles.Agency, "finance");

        var (held, queued, refusal) = await FillTheQueueAsync(row, () => RestAsync(client, row));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refusal.Status);
        Assert.Equal("1", refusal.RetryAfter);
        var problem = JsonDocument.Parse(refusal.Body).RootElement;
        Assert.Equal("Too many lookups waiting", problem.GetProperty("title").GetString());
        Assert.Contains("try again in 1 second", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (held.Status, queued.Status));
        await AssertCountedAndAuditedTwiceAsync(row);
    }

    [Fact]
    public async Task Over_graphql_a_lookup_beyond_the_queue_is_an_error_with_its_code_and_is_neither_counted_nor_audited()
    {
        var row = IssuedInvoices.Legacy(7302);
        var client = await platform.ClientForAsync(Roles.Analyst);

        var (held, queued, refused) = await FillTheQueueAsync(row, () => GraphQLAsync(client, row));

        var error = JsonDocument.Parse(refused.Body).RootElement.GetProperty("errors")[0];
        Assert.Equal(LookupQueueFullException.Code, error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("try again in 1 second", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (held.Status, queued.Status));
        await AssertCountedAndAuditedTwiceAsync(row);
    }

    private sealed record Answer(HttpStatusCode Status, string? RetryAfter, string Body);

    /// <summary>
    /// Holds a lookup (over REST) in its batch behind a lock on the count's table, queues a second one in the one place
    /// and makes <paramref name="lookup"/> of the same invoice, which is refused at once, the batch still held; then lets
    /// the batch go. Gives the held, the queued and the refused lookup's answers.
    /// </summary>
    private async Task<(Answer Held, Answer Queued, Answer Refused)> FillTheQueueAsync(string[] row, Func<Task<Answer>> lookup)
    {
        var rest = await platform.ClientForAsync(Roles.Agency, "finance");
        var verifier = platform.Services.GetRequiredService<InvoiceVerifier>();
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var hold = await connection.BeginTransactionAsync();
        await using (var lockCounts = new NpgsqlCommand($"lock table {LookupCounter.Name} in exclusive mode", connection, hold))
        {
            await lockCounts.ExecuteNonQueryAsync();
        }
        var held = RestAsync(rest, row);
        await Eventually.Until(async () => held.IsCompleted || await CountWaitingAsync(), "the first lookup's batch waiting for the count's table");
        Assert.False(held.IsCompleted, held.IsCompletedSuccessfully ? held.Result.Body : "the held lookup failed");
        var queued = RestAsync(rest, row);
        await Eventually.Until(() => Task.FromResult(verifier.SinglesQueued == 1), "the second lookup queued");

        var refused = await lookup().WaitAsync(Patience);

        Assert.False(held.IsCompleted || queued.IsCompleted); // the batch was still held when the refusal came
        await hold.RollbackAsync();
        return (await held.WaitAsync(Patience), await queued.WaitAsync(Patience), refused);
    }

    /// <summary>Whether a lookup's count waits for a lock (asked on a connection of its own: a transaction sees one snapshot of pg_stat_activity).</summary>
    private async Task<bool> CountWaitingAsync()
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' " +
            "and query ilike '%insert into%invoice_lookup_day%')", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Answer> RestAsync(HttpClient client, string[] row)
    {
        using var response = await client.PostAsJsonAsync("/api/invoices/verify", IssuedInvoices.Lookup(row));
        return new(response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }

    private static async Task<Answer> GraphQLAsync(HttpClient client, string[] row)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new
        {
            query = $$"""{ verifyInvoice(code: "{{row[0]}}", number: "{{row[1]}}", issueDate: "{{row[2]}}", amountExcludingTax: "{{row[5]}}") { result } }""",
        });
        return new(response.StatusCode, response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The held and the waiting lookup counted and audited; the refused one neither.</summary>
    private async Task AssertCountedAndAuditedTwiceAsync(string[] row)
    {
        var key = IngestRecords.InvoiceKey(row[0], row[1]);
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var counted = new NpgsqlCommand($"select sum(lookups)::int from {LookupCounter.Name} where invoice_key = $1", connection)
        {
            Parameters = { new() { Value = key } },
        };
        Assert.Equal(2, await counted.ExecuteScalarAsync());
        Assert.Equal(2, (await IssuedInvoices.AuditedAsync(platform, key, 2)).Count);
    }
}
