using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>A batch's lines counted together by one upsert: the same daily limit as lookups one by one, in line order, across concurrent callers, in a constant number of statements.</summary>
public sealed class InvoiceBatchLimitTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private static async Task<List<JsonElement>> BatchAsync(HttpClient client, IEnumerable<object> lookups)
    {
        using var response = await client.PostAsJsonAsync("/api/invoices/verify-batch", lookups);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(l => l.Clone())];
    }

    private static string Result(JsonElement line) => line.GetProperty("result").GetString()!;

    [Fact]
    public async Task An_invoice_seven_times_in_a_batch_is_counted_once_per_line_in_line_order_up_to_the_callers_share_and_the_limit_holds_for_later_callers()
    {
        var repeated = IssuedInvoices.Legacy(7411);
        var other = IssuedInvoices.Legacy(7412);
        await IssuedInvoices.SendAsync(platform, [repeated, other]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        var missing = new { code = "4100191130", number = "07419999", issueDate = "2024-05-15", amountExcludingTax = "1.00" };
        object[] batch =
        [
            IssuedInvoices.Lookup(repeated), IssuedInvoices.Lookup(other), IssuedInvoices.Lookup(repeated, amount: "999.99"), IssuedInvoices.Lookup(repeated),
            new { code = "41", number = "x", issueDate = "2024-05-15" }, IssuedInvoices.Lookup(repeated), missing, IssuedInvoices.Lookup(repeated),
            IssuedInvoices.Lookup(repeated), IssuedInvoices.Lookup(repeated, amount: "999.99"), IssuedInvoices.Lookup(other),
        ];

        var lines = await BatchAsync(agency, batch);
        var later = await (await platform.ClientForAsync(Roles.Analyst)).VerifyAsync(IssuedInvoices.Lookup(repeated));
        var latest = await (await platform.ClientForAsync(Roles.Agency, "market-regulator")).VerifyAsync(IssuedInvoices.Lookup(repeated));

        Assert.Equal(Enumerable.Range(1, batch.Length), lines.Select(l => l.GetProperty("line").GetInt32()));
        Assert.Equal(
            // The agency's share of the invoice's five is four (LookupsPerInvoicePerCallerPerDay).
            ["consistent", "consistent", "inconsistent", "consistent", "malformed", "consistent", "not-found", "limit-reached", "limit-reached", "limit-reached", "consistent"],
            lines.Select(Result));
        Assert.Equal([repeated[1], other[1], repeated[1], repeated[1], "x", repeated[1], "07419999", repeated[1], repeated[1], repeated[1], other[1]],
            lines.Select(l => l.GetProperty("number").GetString()));
        Assert.True(lines[8].TryGetProperty("resetsAt", out var resetsAt) && resetsAt.ValueKind == JsonValueKind.String);
        Assert.Equal(("consistent", "limit-reached"), (later.GetProperty("result").GetString(), latest.GetProperty("result").GetString()));
        // The agency spent its share (others could still ask); the last caller found the invoice's day spent.
        Assert.Equal((LookupCounter.CallerShare, LookupCounter.InvoiceDay), (lines[7].GetProperty("spent").GetString(), latest.GetProperty("spent").GetString()));
        Assert.Equal(["consistent", "inconsistent", "consistent", "consistent", "limit-reached", "limit-reached", "limit-reached", "consistent", "limit-reached"],
            (await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(repeated[0], repeated[1]), 9))
                .Select(e => e.Operation[LookupAudit.Operation("").Length..]));
        Assert.Equal(2, (await IssuedInvoices.AuditedAsync(platform, IngestRecords.InvoiceKey(other[0], other[1]), 2)).Count);
    }

    [Fact]
    public async Task One_callers_wrong_lookups_spend_its_own_share_of_an_invoice_not_the_others()
    {
        var row = IssuedInvoices.Legacy(7431);
        await IssuedInvoices.SendAsync(platform, [row]);
        var spender = await platform.ClientForAsync(Roles.Agency, "medical-insurance");

        var wrong = await BatchAsync(spender, Enumerable.Repeat(IssuedInvoices.Lookup(row, amount: "0.01"), 5));
        var honest = await (await platform.ClientForAsync(Roles.Agency, "natural-resources")).VerifyAsync(IssuedInvoices.Lookup(row));
        var spenderAgain = await spender.VerifyAsync(IssuedInvoices.Lookup(row));

        Assert.Equal([.. Enumerable.Repeat("inconsistent", 4), "limit-reached"], wrong.Select(Result));
        Assert.Equal("consistent", honest.GetProperty("result").GetString());
        Assert.Equal("limit-reached", spenderAgain.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Concurrent_batches_and_single_lookups_of_one_invoice_never_admit_more_than_the_limit()
    {
        var row = IssuedInvoices.Legacy(7421);
        var neighbour = IssuedInvoices.Legacy(7422);
        await IssuedInvoices.SendAsync(platform, [row, neighbour]);
        var clients = new[]
        {
            await platform.ClientForAsync(Roles.Agency, "finance"), await platform.ClientForAsync(Roles.Analyst),
            await platform.ClientForAsync(Roles.Agency, "finance"),
        };
        // Both batches take the two invoices' rows, in opposite line orders: the counter takes rows in key order, so neither waits on the other in a cycle.
        object[] first = [.. Enumerable.Repeat(IssuedInvoices.Lookup(row), 4), IssuedInvoices.Lookup(neighbour)];
        object[] second = [IssuedInvoices.Lookup(neighbour), .. Enumerable.Repeat(IssuedInvoices.Lookup(row), 4)];

        var batches = Task.WhenAll(BatchAsync(clients[0], first), BatchAsync(clients[1], second));
        var singles = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => clients[2].VerifyAsync(IssuedInvoices.Lookup(row))));
        var (answered, single) = (await batches, await singles);

        var ofRow = answered.SelectMany(lines => lines.Where(l => l.GetProperty("number").GetString() == row[1]).Select(Result))
            .Concat(single.Select(s => s.GetProperty("result").GetString()!)).ToList();
        Assert.Equal(12, ofRow.Count);
        Assert.Equal(5, ofRow.Count(r => r == "consistent"));
        Assert.Equal(7, ofRow.Count(r => r == "limit-reached"));
        // Within each batch the lines admitted are its first ones of the invoice.
        Assert.All(answered, lines =>
        {
            var results = lines.Where(l => l.GetProperty("number").GetString() == row[1]).Select(Result).ToList();
            Assert.Equal(results.OrderBy(r => r == "limit-reached"), results);
        });
        Assert.All(answered, lines => Assert.Equal("consistent", Result(lines.Single(l => l.GetProperty("number").GetString() == neighbour[1]))));
    }

    [Fact]
    public async Task A_batch_of_two_hundred_invoices_costs_as_many_statements_as_a_batch_of_two()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        using var statements = new RequestStatements(platform);

        async Task<int> StatementsForBatchOf(int size, int first)
        {
            // Each line a different invoice, some of them twice, none held: every line is counted and looked up.
            var lookups = Enumerable.Range(0, size).Select(i => (object)new
            {
                code = "4100191130", number = $"{7430000 + first + i / 2:D8}", issueDate = "2024-05-15", amountExcludingTax = "1.00",
            });
            statements.Clear();
            var lines = await BatchAsync(agency, lookups);
            Assert.Equal(size, lines.Count);
            Assert.All(lines, l => Assert.Equal("not-found", Result(l)));
            return statements.Count;
        }

        await StatementsForBatchOf(2, 0);
        var two = await StatementsForBatchOf(2, 100);
        var twoHundred = await StatementsForBatchOf(200, 200);
        Assert.Equal(two, twoHundred);
        // The lookups' one batch (the count and the look-up; the token is checked without the database here), whatever the batch's size.
        Assert.InRange(twoHundred, 1, 2);
    }
}
