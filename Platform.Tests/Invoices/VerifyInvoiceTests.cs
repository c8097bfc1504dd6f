using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Invoices;
using Platform.Ingest.Records;
using Platform.Tests.Support;

namespace Platform.Tests.Invoices;

public sealed class VerifyInvoiceTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task A_consistent_invoice_is_answered_with_its_details_and_the_sellers_name_and_the_lookup_is_audited()
    {
        var row = IssuedInvoices.Legacy(7001);
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var registration = $"uscc,name,legal_rep,registered,status,tax_office,division,period\r\n{row[3]},开票方7001,张三,2015-07-01,正常,14101020000,410102,2024-05\r\n";
        Assert.Equal(Platform.Ingest.Submissions.SubmissionStatus.Accepted,
            (await bureau.SubmitAsync(Files.Utf8(registration), template: "tax-registrations", period: "2024-05")).Status);
        await IssuedInvoices.SendAsync(platform, [row]);
        await Ingested.RegistersCaughtUpAsync(platform);

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var answer = await analyst.VerifyAsync(IssuedInvoices.Lookup(row));

        Assert.Equal("consistent", answer.GetProperty("result").GetString());
        var invoice = answer.GetProperty("invoice");
        Assert.Equal(("4100191130", "00007001", "legacy", "2024-05-15"), (invoice.GetProperty("code").GetString(), invoice.GetProperty("number").GetString(),
            invoice.GetProperty("kind").GetString(), invoice.GetProperty("issueDate").GetString()));
        Assert.Equal((row[3], "开票方7001", row[4]), (invoice.GetProperty("sellerId").GetString(), invoice.GetProperty("sellerName").GetString(),
            invoice.GetProperty("buyerId").GetString()));
        Assert.Equal((1000.00m, 130.00m, 1130.00m), (invoice.GetProperty("amountExcludingTax").GetDecimal(), invoice.GetProperty("tax").GetDecimal(),
            invoice.GetProperty("total").GetDecimal()));
        Assert.Equal((false, false), (invoice.GetProperty("voided").GetBoolean(), invoice.GetProperty("redLetter").GetBoolean()));

        var byCheckCode = await analyst.VerifyAsync(new { code = row[0], number = row[1], issueDate = row[2], checkCodeLast6 = "123456" });
        Assert.Equal("consistent", byCheckCode.GetProperty("result").GetString());

        var entries = await AuditedAsync(IngestRecords.InvoiceKey(row[0], row[1]), 2);
        Assert.All(entries, e => Assert.Equal(("demo-analyst", LookupAudit.Operation("consistent")), (e.Actor, e.Operation)));
    }

    [Fact]
    public async Task An_inconsistent_invoice_names_the_fields_that_differ_and_never_the_stored_values()
    {
        var row = IssuedInvoices.Legacy(7002, amount: "4321.09");
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        var answer = await agency.VerifyAsync(IssuedInvoices.Lookup(row, amount: "4321.00", issueDate: "2024-05-16"));
        var byCheckCode = await agency.VerifyAsync(new { code = row[0], number = row[1], issueDate = row[2], checkCodeLast6 = "000000" });

        Assert.Equal("inconsistent", answer.GetProperty("result").GetString());
        Assert.Equal(["issueDate", "amountExcludingTax"], answer.GetProperty("mismatched").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["checkCodeLast6"], byCheckCode.GetProperty("mismatched").EnumerateArray().Select(f => f.GetString()));
        foreach (var stored in new[] { "4321.09", "2024-05-15", "123456", row[3] })
        {
            Assert.DoesNotContain(stored, answer.GetRawText() + byCheckCode.GetRawText(), StringComparison.Ordinal);
        }
        Assert.Equal([LookupAudit.Operation("inconsistent"), LookupAudit.Operation("inconsistent")],
            (await AuditedAsync(IngestRecords.InvoiceKey(row[0], row[1]), 2)).Select(e => e.Operation));
    }

    /// <summary>A special VAT invoice carries no check code: asked by one, the answer says to ask by the amount instead.</summary>
    [Fact]
    public async Task An_invoice_held_without_a_check_code_asked_by_one_says_to_ask_by_the_amount()
    {
        var special = IssuedInvoices.Legacy(7016);
        special[7] = ""; // no check code held
        var ordinary = IssuedInvoices.Legacy(7017);
        await IssuedInvoices.SendAsync(platform, [special, ordinary]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        var byCheckCode = await agency.VerifyAsync(new { code = special[0], number = special[1], issueDate = special[2], checkCodeLast6 = "123456" });
        var wrongCheckCode = await agency.VerifyAsync(new { code = ordinary[0], number = ordinary[1], issueDate = ordinary[2], checkCodeLast6 = "000000" });
        var byAmount = await agency.VerifyAsync(IssuedInvoices.Lookup(special));

        Assert.Equal(("inconsistent", "amountExcludingTax"), (byCheckCode.GetProperty("result").GetString(), byCheckCode.GetProperty("askBy").GetString()));
        Assert.Equal(["checkCodeLast6"], byCheckCode.GetProperty("mismatched").EnumerateArray().Select(f => f.GetString()));
        // A check code held and given wrong is only inconsistent: nothing to ask by instead.
        Assert.False(wrongCheckCode.TryGetProperty("askBy", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Equal("consistent", byAmount.GetProperty("result").GetString());

        var csv = $"code,number,issueDate,checkCodeLast6\r\n{special[0]},{special[1]},{special[2]},123456\r\n";
        using var batch = await agency.PostAsync("/api/invoices/verify-batch?format=csv", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"));
        Assert.Contains("此发票按不含税金额查验", await batch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var graphql = await agency.PostAsJsonAsync("/graphql", new
        {
            query = $$"""{ verifyInvoice(code: "{{special[0]}}", number: "{{special[1]}}", issueDate: "{{special[2]}}", checkCodeLast6: "123456") { result askBy } }""",
        });
        var field = JsonDocument.Parse(await graphql.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("verifyInvoice");
        Assert.Equal("amountExcludingTax", field.GetProperty("askBy").GetString());
    }

    [Fact]
    public async Task An_unknown_invoice_is_not_found_and_a_fully_digital_one_is_found_by_its_twenty_digit_number_alone()
    {
        var digital = IssuedInvoices.FullyDigital(7003);
        await IssuedInvoices.SendAsync(platform, [digital]);
        var officer = await platform.ClientForAsync(Roles.Officer);

        var found = await officer.VerifyAsync(new { number = digital[1], issueDate = digital[2], amountExcludingTax = "500" });
        var unknown = await officer.VerifyAsync(new { code = "4100191130", number = "99999999", issueDate = "2024-05-15", amountExcludingTax = "1.00" });

        Assert.Equal(("consistent", "fully-digital"), (found.GetProperty("result").GetString(), found.GetProperty("invoice").GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, found.GetProperty("invoice").GetProperty("code").ValueKind);
        Assert.Equal("not-found", unknown.GetProperty("result").GetString());
        Assert.Equal(LookupAudit.Operation("not-found"), Assert.Single(await AuditedAsync("4100191130|99999999", 1)).Operation);
    }

    [Fact]
    public async Task Voided_and_red_letter_invoices_are_consistent_and_marked()
    {
        var voided = IssuedInvoices.Legacy(7004, status: "作废");
        var redLetter = IssuedInvoices.Legacy(7005, amount: "-1000.00", status: "红冲");
        await IssuedInvoices.SendAsync(platform, [voided, redLetter]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        var first = (await agency.VerifyAsync(IssuedInvoices.Lookup(voided))).GetProperty("invoice");
        var second = (await agency.VerifyAsync(IssuedInvoices.Lookup(redLetter))).GetProperty("invoice");

        Assert.Equal((true, false), (first.GetProperty("voided").GetBoolean(), first.GetProperty("redLetter").GetBoolean()));
        Assert.Equal((false, true, -870.00m), (second.GetProperty("voided").GetBoolean(), second.GetProperty("redLetter").GetBoolean(),
            second.GetProperty("total").GetDecimal()));
    }

    [Fact]
    public async Task A_correction_changes_the_answer_at_once_and_a_withdrawn_invoice_is_not_found()
    {
        var row = IssuedInvoices.Legacy(7006, amount: "1000.00");
        await IssuedInvoices.SendAsync(platform, [row]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        Assert.Equal("consistent", (await agency.VerifyAsync(IssuedInvoices.Lookup(row))).GetProperty("result").GetString());

        var corrected = IssuedInvoices.Legacy(7006, amount: "2000.00", status: "红冲");
        await IssuedInvoices.SendAsync(platform, [corrected], mode: "correct");
        var old = await agency.VerifyAsync(IssuedInvoices.Lookup(row));
        var now = await agency.VerifyAsync(IssuedInvoices.Lookup(corrected));

        Assert.Equal(["amountExcludingTax"], old.GetProperty("mismatched").EnumerateArray().Select(f => f.GetString()));
        Assert.True(now.GetProperty("invoice").GetProperty("redLetter").GetBoolean());

        await IssuedInvoices.SendAsync(platform, [corrected], mode: "void");
        Assert.Equal("not-found", (await agency.VerifyAsync(IssuedInvoices.Lookup(corrected))).GetProperty("result").GetString());
    }

    /// <summary>What Excel and a tired clerk's keyboard make of an invoice's fields is read as the invoice (clerk review).</summary>
    [Theory]
    [InlineData(7801, "41001911300", "7801", "2024/5/15", "1,000.00", null)]
    [InlineData(7802, "041001911300", "００００７８０２", "20240515", "¥1000", null)]
    [InlineData(7803, "0410 0191 1300", "0000-7803", "2024年5月15日", null, "99999123456")]
    [InlineData(7804, "041001911300", "00007804", "2024-5-15", null, "１２３４５６")]
    public async Task Fields_as_excel_or_a_keyboard_leave_them_are_read_as_the_invoice(int serial, string code, string number, string issueDate,
        string? amount, string? checkCode)
    {
        await IssuedInvoices.SendAsync(platform, [IssuedInvoices.Legacy(serial, code: "041001911300")]);
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        var answer = await agency.VerifyAsync(new { code, number, issueDate, amountExcludingTax = amount, checkCodeLast6 = checkCode });

        Assert.Equal("consistent", answer.GetProperty("result").GetString());
    }

    [Theory]
    [InlineData("""{"code":"41001911","number":"00000001","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "code")]
    [InlineData("""{"code":"4100191130","number":"000000001","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "number")]
    [InlineData("""{"code":"4100191130","number":"24412000000000007003","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "code")]
    [InlineData("""{"number":"00000001","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "code")]
    [InlineData("""{"number":"2.4412E+19","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "number")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2024-02-30","amountExcludingTax":"1.00"}""", "issueDate")]
    [InlineData("""{"code":"4100191130","issueDate":"2024-05-15","amountExcludingTax":"1.00"}""", "number")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"15/05/2024","amountExcludingTax":"1.00"}""", "issueDate")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2999-01-01","amountExcludingTax":"1.00"}""", "issueDate")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2024-05-15","amountExcludingTax":"abc"}""", "amountExcludingTax")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2024-05-15","amountExcludingTax":1.005}""", "amountExcludingTax")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2024-05-15"}""", "amountExcludingTax")]
    [InlineData("""{"code":"4100191130","number":"00000001","issueDate":"2024-05-15","checkCodeLast6":"12345x"}""", "checkCodeLast6")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"code":""", "body")]
    public async Task Malformed_input_is_a_validation_problem_naming_the_field(string body, string field)
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");

        using var response = await agency.PostAsync("/api/invoices/verify", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Graphql_verify_invoice_answers_as_rest_and_names_a_malformed_argument()
    {
        var row = IssuedInvoices.Legacy(7007);
        await IssuedInvoices.SendAsync(platform, [row]);
        var officer = await platform.ClientForAsync(Roles.Officer);

        using var answer = await officer.PostAsJsonAsync("/graphql", new
        {
            query = $$"""{ verifyInvoice(code: "{{row[0]}}", number: "{{row[1]}}", issueDate: "{{row[2]}}", amountExcludingTax: "1000.00") { result invoice { number issueDate total voided redLetter } mismatched } }""",
        });
        using var malformed = await officer.PostAsJsonAsync("/graphql", new
        {
            query = $$"""{ verifyInvoice(code: "{{row[0]}}", number: "{{row[1]}}", issueDate: "13/01/2024", checkCodeLast6: "123456") { result } }""",
        });

        var verification = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("verifyInvoice");
        Assert.Equal("consistent", verification.GetProperty("result").GetString());
        Assert.Equal(("2024-05-15", 1130.00m), (verification.GetProperty("invoice").GetProperty("issueDate").GetString(),
            verification.GetProperty("invoice").GetProperty("total").GetDecimal()));
        var error = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("INVALID", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.StartsWith("issueDate: 开票日期格式应为 yyyy-MM-dd", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("Give the issue date as yyyy-MM-dd (received '13/01/2024'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["demo-officer"], (await AuditedAsync(IngestRecords.InvoiceKey(row[0], row[1]), 1)).Select(e => e.Actor));
    }

    [Fact]
    public async Task Leaders_and_administrators_may_not_verify_invoices_over_rest_or_graphql_and_nothing_is_counted_or_audited()
    {
        var row = IssuedInvoices.Legacy(7008);
        await IssuedInvoices.SendAsync(platform, [row]);
        var query = $$"""{ verifyInvoice(code: "{{row[0]}}", number: "{{row[1]}}", issueDate: "{{row[2]}}", amountExcludingTax: "1000.00") { result } }""";
        foreach (var role in new[] { Roles.Leader, Roles.Admin })
        {
            var client = await platform.ClientForAsync(role);
            using var single = await client.PostAsJsonAsync("/api/invoices/verify", IssuedInvoices.Lookup(row));
            using var batch = await client.PostAsJsonAsync("/api/invoices/verify-batch", new[] { IssuedInvoices.Lookup(row) });
            Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (single.StatusCode, batch.StatusCode));
            Assert.Equal("refused", await GraphQLOutcome.OfAsync(client, query));
        }
        foreach (var client in new[] { await platform.ClientForAsync(Roles.Agency, "finance"), await platform.ClientForAsync(Roles.Analyst) })
        {
            Assert.Equal("allowed", await GraphQLOutcome.OfAsync(client, query));
        }
        Assert.Equal(2, (await AuditedAsync(IngestRecords.InvoiceKey(row[0], row[1]), 2)).Count);
    }

    private Task<List<AuditEntry>> AuditedAsync(string invoiceKey, int count) => IssuedInvoices.AuditedAsync(platform, invoiceKey, count);
}
