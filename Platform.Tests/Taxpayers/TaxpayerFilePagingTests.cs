using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Taxpayers;

/// <summary>The platform with pages of the one-household file of 2 records by default and at most 3, so a few records fill several.</summary>
public sealed class TaxpayerFilePagesPlatform : PlatformFactory
{
    public TaxpayerFilePagesPlatform() => WithSetting("Taxpayers:DefaultPageSize", "2").WithSetting("Taxpayers:MaxPageSize", "3");
}

/// <summary>
/// The one-household file a page at a time (REST <c>/api/taxpayers/{subject}/records</c>, GraphQL <c>taxpayerRecords</c>):
/// every record once, newest period first, each page an audited read; bounds passed and foreign cursors refused; masking
/// and jurisdiction on every page.
/// </summary>
public sealed class TaxpayerFilePagingTests(TaxpayerFilePagesPlatform platform) : IClassFixture<TaxpayerFilePagesPlatform>
{
    private const string PageQuery = """
        query($s: String!, $first: Int, $after: String) { taxpayerRecords(subject: $s, purpose: "核实线索", first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { period templateId state agency submissionId row } } }
        """;

    /// <summary>
    /// Registrations of one Shunqing business for 2023-01 to 2023-05, the March one corrected, and a VAT declaration for
    /// 2023-02: seven records, listed as <see cref="Expected"/>.
    /// </summary>
    private async Task<string> SeedAsync(int serial, bool withVat = true)
    {
        var uscc = Files.Uscc(serial, "511302");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        foreach (var period in new[] { "2023-01", "2023-02", "2023-03", "2023-04", "2023-05" })
        {
            Assert.Equal(SubmissionStatus.Accepted,
                (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(serial, period, county: "511302")])), period: period)).Status);
        }
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(serial, "2023-03", name: "更名后", county: "511302")])), period: "2023-03", mode: "correct")).Status);
        if (withVat)
        {
            var vat = $"uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on\r\n{uscc},2023-02,10000.00,130.00,,2023-03-10\r\n";
            var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
            Assert.Equal(SubmissionStatus.Accepted, (await bureau.SubmitAsync(Files.Utf8(vat), template: "vat-declarations", period: "2023-02")).Status);
        }
        return uscc;
    }

    private static readonly (string Period, string Template, string State)[] Expected =
    [
        ("2023-05", "business-registrations", "current"),
        ("2023-04", "business-registrations", "current"),
        ("2023-03", "business-registrations", "current"),
        ("2023-03", "business-registrations", "superseded"),
        ("2023-02", "vat-declarations", "current"),
        ("2023-02", "business-registrations", "current"),
        ("2023-01", "business-registrations", "current"),
    ];

    private static string Url(string subject, int? first = null, string? after = null) =>
        $"/api/taxpayers/{subject}/records?purpose=核实线索{(first is null ? "" : $"&first={first}")}" +
        $"{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}";

    /// <summary>Every page over REST, from the first until one says no page follows.</summary>
    private static async Task<List<TaxpayerRecordPage>> WalkAsync(HttpClient client, string subject, int? first = null)
    {
        var pages = new List<TaxpayerRecordPage>();
        string? after = null;
        do
        {
            var page = (await client.GetFromJsonAsync<TaxpayerRecordPage>(Url(subject, first, after)))!;
            pages.Add(page);
            after = page.PageInfo.HasNextPage ? page.PageInfo.EndCursor : null;
            Assert.True(pages.Count <= 10, "A file of seven records took more than ten pages.");
        } while (after is not null);
        return pages;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string subject, int? first = null, string? after = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query = PageQuery, variables = new { s = subject, first, after } });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<List<AuditEntry>> Audited(string subject) =>
        platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, subject, null, null, 100, CancellationToken.None);

    [Fact]
    public async Task Paging_through_a_file_larger_than_a_page_gives_every_record_once_newest_first_each_page_audited()
    {
        var uscc = await SeedAsync(7101);
        var analyst = await platform.ClientForAsync(Roles.Analyst);

        var pages = await WalkAsync(analyst, uscc);

        Assert.Equal([2, 2, 2, 1], pages.Select(p => p.Records.Count));
        Assert.All(pages, p => Assert.Equal(7, p.TotalCount));
        var records = pages.SelectMany(p => p.Records).ToList();
        Assert.Equal(Expected, records.Select(r => (r.Period.ToString()!, r.TemplateId, r.State)));
        Assert.Equal(7, records.Select(r => (r.SubmissionId, r.Row)).Distinct().Count());
        var audited = (await Audited(uscc)).Where(e => e.Operation == TaxpayerFile.AuditOperation).ToList();
        Assert.Equal([1L, 2L, 2L, 2L], audited.Select(e => e.RowCount!.Value).Order());
        Assert.All(audited, e => Assert.Equal("核实线索", e.Purpose));

        // GraphQL pages the same file the same way, asking for three at a time.
        var graphPages = new List<JsonElement>();
        string? after = null;
        do
        {
            var body = await PostAsync(analyst, uscc, 3, after);
            Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
            var page = body.GetProperty("data").GetProperty("taxpayerRecords");
            graphPages.Add(page);
            var info = page.GetProperty("pageInfo");
            after = info.GetProperty("hasNextPage").GetBoolean() ? info.GetProperty("endCursor").GetString() : null;
            Assert.True(graphPages.Count <= 10, "A file of seven records took more than ten pages.");
        } while (after is not null);
        Assert.Equal([3, 3, 1], graphPages.Select(p => p.GetProperty("nodes").GetArrayLength()));
        Assert.Equal(records.Select(r => (r.SubmissionId, r.Row)),
            graphPages.SelectMany(p => p.GetProperty("nodes").EnumerateArray())
                .Select(n => (n.GetProperty("submissionId").GetString()!, n.GetProperty("row").GetInt32())));
        Assert.Equal(7, (await Audited(uscc)).Count(e => e.Operation == TaxpayerFile.AuditOperation));
    }

    [Fact]
    public async Task Only_the_first_page_counts_the_file_and_later_pages_carry_its_count()
    {
        var uscc = await SeedAsync(7106, withVat: false);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var first = (await analyst.GetFromJsonAsync<TaxpayerRecordPage>(Url(uscc)))!;
        Assert.Equal(6, first.TotalCount);

        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted,
            (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(7106, "2023-06", county: "511302")])), period: "2023-06")).Status);

        Assert.Equal(6, (await analyst.GetFromJsonAsync<TaxpayerRecordPage>(Url(uscc, after: first.PageInfo.EndCursor)))!.TotalCount);
        Assert.Equal(7, (await analyst.GetFromJsonAsync<TaxpayerRecordPage>(Url(uscc)))!.TotalCount);
    }

    [Fact]
    public async Task First_out_of_bounds_and_a_cursor_not_given_by_the_platform_for_this_file_are_refused_saying_what_to_send_and_not_audited()
    {
        var uscc = await SeedAsync(7102, withVat: false);
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var cursor = (await analyst.GetFromJsonAsync<TaxpayerRecordPage>(Url(uscc)))!.PageInfo.EndCursor!;
        var tampered = cursor[..10] + (cursor[10] == 'A' ? 'B' : 'A') + cursor[11..];
        var anotherTaxpayers = (await analyst.GetFromJsonAsync<TaxpayerRecordPage>(Url(await SeedAsync(7105, withVat: false))))!.PageInfo.EndCursor!;
        var before = (await Audited(uscc)).Count;

        foreach (var (first, after, argument, says) in new (int?, string?, string, string)[]
                 {
                     (0, null, "first", "Ask for first: 1 to 3 records (Taxpayers:MaxPageSize), not 0"),
                     (4, null, "first", "Ask for first: 1 to 3 records (Taxpayers:MaxPageSize), not 4"),
                     (null, "not-a-cursor", "after", "Give after: as the endCursor of the page before"),
                     (null, tampered, "after", "Give after: as the endCursor of the page before"),
                     (null, anotherTaxpayers, "after", "Give after: as the endCursor of the page before"),
                 })
        {
            using var rest = await analyst.GetAsync(Url(uscc, first, after));
            Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
            var problem = JsonDocument.Parse(await rest.Content.ReadAsStringAsync()).RootElement;
            Assert.StartsWith(says, problem.GetProperty("errors").GetProperty(argument)[0].GetString(), StringComparison.Ordinal);

            var error = (await PostAsync(analyst, uscc, first, after)).GetProperty("errors")[0];
            Assert.Equal("INVALID", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.StartsWith(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, (await Audited(uscc)).Count);
    }

    [Fact]
    public async Task An_officer_sees_every_page_masked_and_a_later_page_outside_the_jurisdiction_is_not_found_nor_audited()
    {
        var uscc = await SeedAsync(7103, withVat: false);
        var gaoping = Files.Uscc(7104, "511303");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted,
            (await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(7104, "2023-06", county: "511303")])), period: "2023-06")).Status);
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("pages.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var officer = await signIn.ClientAsync("pages.officer");

        var pages = await WalkAsync(officer, uscc);

        Assert.Equal([2, 2, 2], pages.Select(p => p.Records.Count));
        Assert.All(pages.SelectMany(p => p.Records), r => Assert.Equal((TaxpayerFile.ThirdParty, "", 0), (r.Agency, r.SubmissionId, r.Row)));
        Assert.Equal(Expected.Where(e => e.Template == "business-registrations"),
            pages.SelectMany(p => p.Records).Select(r => (r.Period.ToString()!, r.TemplateId, r.State)));
        Assert.Equal([2L, 2L, 2L], (await Audited(uscc)).Where(e => e is { Operation: TaxpayerFile.AuditOperation, Role: Roles.Officer })
            .Select(e => e.RowCount!.Value));

        // A cursor is given for one taxpayer's file: a later page of Gaoping's, as an analyst was given it.
        var gaopingCursor = (await (await platform.ClientForAsync(Roles.Analyst)).GetFromJsonAsync<TaxpayerRecordPage>(Url(gaoping)))!.PageInfo.EndCursor;
        using var outside = await officer.GetAsync(Url(gaoping, after: gaopingCursor));
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        var error = (await PostAsync(officer, gaoping, after: gaopingCursor)).GetProperty("errors")[0];
        Assert.Equal("NOT_FOUND", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.DoesNotContain(await Audited(gaoping), e => e.Role == Roles.Officer);
    }
}
