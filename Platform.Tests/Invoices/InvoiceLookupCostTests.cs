using System.Text.Json;
using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

/// <summary>
/// What one lookup reads does not grow with how many invoices its seller and buyer have issued: a large seller issues
/// millions, and every lookup of theirs asks for the seller's and the buyer's names.
/// </summary>
public sealed class InvoiceLookupCostTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string RegistrationHeader = "uscc,name,legal_rep,registered,status,tax_office,division,period";

    [Fact]
    public async Task A_lookup_reads_as_many_pages_for_a_seller_of_two_thousand_invoices_as_for_a_seller_of_one_and_names_both()
    {
        var large = Files.Uscc(881001);
        var largeBuyer = Files.Uscc(881002);
        var issuedByLarge = Enumerable.Range(881_000, 2_000).Select(serial =>
        {
            var row = IssuedInvoices.Legacy(serial);
            (row[3], row[4]) = (large, largeBuyer);
            return row;
        }).ToList();
        var single = IssuedInvoices.Legacy(883_500);
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        // A register of some size, so that the planner looks names up by subject rather than reading the register whole.
        var registrations = $"{RegistrationHeader}\r\n{large},大户,张三,2015-07-01,正常,14101020000,410102,2024-05\r\n" +
                            $"{largeBuyer},大户的买方,李四,2015-07-01,正常,14101020000,410102,2024-05\r\n" +
                            $"{single[3]},小户,王五,2015-07-01,正常,14101020000,410102,2024-05\r\n" +
                            string.Concat(Enumerable.Range(890_000, 20_000).Select(serial =>
                                $"{Files.Uscc(serial)},企业{serial},赵六,2015-07-01,正常,14101020000,410102,2024-05\r\n"));
        Assert.Equal(Platform.Ingest.Submissions.SubmissionStatus.Accepted,
            (await bureau.SubmitAsync(Files.Utf8(registrations), template: "tax-registrations", period: "2024-05")).Status);
        await IssuedInvoices.SendAsync(platform, [.. issuedByLarge, single]);
        await Ingested.RegistersCaughtUpAsync(platform);
        await using (var connection = new NpgsqlConnection(platform.ConnectionString))
        {
            await connection.OpenAsync();
            await using var analyse = new NpgsqlCommand("analyze", connection);
            await analyse.ExecuteNonQueryAsync();
        }

        var pagesForLarge = await PagesReadAsync(IngestRecords.InvoiceKey(issuedByLarge[1000][0], issuedByLarge[1000][1]));
        var pagesForSingle = await PagesReadAsync(IngestRecords.InvoiceKey(single[0], single[1]));

        // The same index probes either way; a read per invoice of the seller would be thousands of pages.
        Assert.True(pagesForLarge <= pagesForSingle + 10, $"{pagesForLarge} pages for the large seller's invoice, {pagesForSingle} for the single one");
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var answer = (await analyst.VerifyAsync(IssuedInvoices.Lookup(issuedByLarge[1000]))).GetProperty("invoice");
        Assert.Equal(("大户", "大户的买方"), (answer.GetProperty("sellerName").GetString(), answer.GetProperty("buyerName").GetString()));
        Assert.Equal("小户", (await analyst.VerifyAsync(IssuedInvoices.Lookup(single))).GetProperty("invoice").GetProperty("sellerName").GetString());
    }

    /// <summary>The shared buffers (hit or read) the lookup's statement touches for one invoice, by EXPLAIN (ANALYZE, BUFFERS) of its generic plan.</summary>
    private async Task<long> PagesReadAsync(string invoiceKey)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        // Prepared and generic, as the lookups' connections plan it (Invoices/LookupDatabase.cs).
        await using (var prepare = new NpgsqlCommand(
            $"set plan_cache_mode = force_generic_plan; prepare lookup(text[]) as {IngestRecords.InvoiceLookup([invoiceKey]).CommandText}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }
        // EXECUTE takes no bound parameter: the key as a literal (digits and a bar).
        Assert.Matches("^[0-9|]+$", invoiceKey);
        await using var explain = new NpgsqlCommand($"explain (analyze, buffers, format json) execute lookup(array['{invoiceKey}'])", connection);
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var top = plan.RootElement[0].GetProperty("Plan");
        Assert.Equal(1, top.GetProperty("Actual Rows").GetInt64());
        // The invoice's own record is read with its acceptance; the names by the latest records, without it.
        Assert.Single(Relations(top), r => r == "ingest_accepted");
        return top.GetProperty("Shared Hit Blocks").GetInt64() + top.GetProperty("Shared Read Blocks").GetInt64();
    }

    /// <summary>The relations a plan node and those under it read (subplans included).</summary>
    private static IEnumerable<string> Relations(JsonElement node) =>
        (node.TryGetProperty("Relation Name", out var relation) ? [relation.GetString()!] : Enumerable.Empty<string>())
            .Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Relations) : []);
}
