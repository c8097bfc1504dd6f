using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Comparisons.Rules;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Taxpayers;

/// <summary>
/// GraphQL <c>taxpayer(subject:)</c>: the one-household file by agency and template with the taxpayer's leads, raised
/// here by the real <c>registry-unregistered</c> over records sent through the upload path.
/// </summary>
public sealed class TaxpayerHistoryTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Query = """
        query($subject: String!) { taxpayer(subject: $subject, purpose: "核实线索") {
          subject recordsLeftOut
          sources { agency templateId records { submissionId row recordKey state } }
          leads { totalCount nodes { rule subject status county office evidence { records { template agency submissionId } } } } } }
        """;

    /// <summary>
    /// A business of Shunqing (511302) registered at the market regulator in 2015, with a VAT declaration at the
    /// bureau but no tax registration, and a run of <c>registry-unregistered</c> by the analyst: one lead for it.
    /// </summary>
    private async Task<string> UnregisteredBusinessAsync(int serial)
    {
        var uscc = Files.Uscc(serial, "511302");
        var registration = Files.Registration(serial, "2026-03", county: "511302");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv([registration])), period: "2026-03")).Status);
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var vat = $"uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on\r\n{uscc},2026-03,10000.00,130.00,,2026-04-10\r\n";
        Assert.Equal(SubmissionStatus.Accepted, (await bureau.SubmitAsync(Files.Utf8(vat), template: "vat-declarations", period: "2026-03")).Status);

        var run = await PostAsync(await platform.ClientForAsync(Roles.Analyst),
            "mutation($rule: String!) { runRule(rule: $rule) { raised } }", new { rule = RegistryUnregistered.RuleId });
        Assert.True(run.GetProperty("data").GetProperty("runRule").GetProperty("raised").GetInt32() >= 1, run.ToString());
        return uscc;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string query, object? variables = null)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Taxpayer(JsonElement body)
    {
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body.GetProperty("data").GetProperty("taxpayer");
    }

    private static string? ErrorCode(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private Task<List<AuditEntry>> Audited(string subject) =>
        platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, subject, null, null, 100, CancellationToken.None);

    [Fact]
    public async Task An_analyst_sees_the_records_of_two_agencies_and_the_lead_a_rule_raised_in_one_audited_read()
    {
        var uscc = await UnregisteredBusinessAsync(5101);

        var taxpayer = Taxpayer(await PostAsync(await platform.ClientForAsync(Roles.Analyst), Query, new { subject = uscc }));

        Assert.Equal(uscc, taxpayer.GetProperty("subject").GetString());
        var sources = taxpayer.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal([("market-regulator", "business-registrations"), ("tax-bureau", "vat-declarations")],
            sources.Select(s => (s.GetProperty("agency").GetString(), s.GetProperty("templateId").GetString())));
        Assert.All(sources, s => Assert.Equal("current", Assert.Single(s.GetProperty("records").EnumerateArray()).GetProperty("state").GetString()));
        Assert.Equal(1, taxpayer.GetProperty("leads").GetProperty("totalCount").GetInt32());
        var lead = taxpayer.GetProperty("leads").GetProperty("nodes")[0];
        Assert.Equal((RegistryUnregistered.RuleId, uscc, "assigned", "511302", "shunqing-office"), (lead.GetProperty("rule").GetString(),
            lead.GetProperty("subject").GetString(), lead.GetProperty("status").GetString(), lead.GetProperty("county").GetString(),
            lead.GetProperty("office").GetString()));
        var cited = lead.GetProperty("evidence").GetProperty("records")[0];
        Assert.Equal(("business-registrations", "market-regulator"), (cited.GetProperty("template").GetString(), cited.GetProperty("agency").GetString()));

        Assert.Equal(0, taxpayer.GetProperty("recordsLeftOut").GetInt32());
        var audited = await Audited(uscc);
        var records = Assert.Single(audited, e => e.Operation == TaxpayerHistoryQueryFields.AuditOperation);
        Assert.Equal(("demo-analyst", 2L, "核实线索"), (records.Actor, records.RowCount, records.Purpose));
        var leads = Assert.Single(audited, e => e.Operation == TaxpayerHistoryQueryFields.AuditLeads);
        Assert.Equal(("demo-analyst", 1L, "核实线索"), (leads.Actor, leads.RowCount, leads.Purpose));
    }

    [Fact]
    public async Task An_officer_of_the_county_sees_the_history_and_the_lead_with_suppliers_masked()
    {
        var uscc = await UnregisteredBusinessAsync(5102);
        var officer = await platform.ClientForPersonAsync(new NewPerson("history.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));

        var taxpayer = Taxpayer(await PostAsync(officer, Query, new { subject = uscc }));

        var sources = taxpayer.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(["business-registrations", "vat-declarations"], sources.Select(s => s.GetProperty("templateId").GetString()));
        Assert.All(sources, s => Assert.Equal(TaxpayerFile.ThirdParty, s.GetProperty("agency").GetString()));
        Assert.All(sources.SelectMany(s => s.GetProperty("records").EnumerateArray()),
            r => Assert.Equal(("", 0), (r.GetProperty("submissionId").GetString(), r.GetProperty("row").GetInt32())));
        var cited = Assert.Single(taxpayer.GetProperty("leads").GetProperty("nodes").EnumerateArray()).GetProperty("evidence").GetProperty("records")[0];
        Assert.Equal((TaxpayerFile.ThirdParty, ""), (cited.GetProperty("agency").GetString(), cited.GetProperty("submissionId").GetString()));
        var audited = await Audited(uscc);
        Assert.Contains(audited, e => e is { Operation: TaxpayerHistoryQueryFields.AuditOperation, Role: Roles.Officer, RowCount: 2 });
        Assert.Contains(audited, e => e is { Operation: TaxpayerHistoryQueryFields.AuditLeads, Role: Roles.Officer, RowCount: 1 });
    }

    [Fact]
    public async Task A_taxpayer_outside_the_jurisdiction_is_not_found_and_the_refusal_is_not_audited()
    {
        var uscc = await UnregisteredBusinessAsync(5103);
        var officer = await platform.ClientForPersonAsync(new NewPerson("langzhong.officer", Roles.Officer, Office: "langzhong-office", Jurisdiction: "511381"));
        var analyst = await platform.ClientForPersonAsync(new NewPerson("langzhong.analyst", Roles.Analyst, Office: "langzhong-office", Jurisdiction: "511381"));

        foreach (var client in new[] { officer, analyst })
        {
            var body = await PostAsync(client, Query, new { subject = uscc });
            Assert.Equal("NOT_FOUND", ErrorCode(body));
            Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        }
        Assert.DoesNotContain(await Audited(uscc), e => e.Operation is TaxpayerHistoryQueryFields.AuditOperation or TaxpayerHistoryQueryFields.AuditLeads);
    }

    [Fact]
    public async Task Leaders_administrators_and_agencies_are_refused()
    {
        var uscc = Files.Uscc(5104, "511302");
        foreach (var client in new[]
                 {
                     await platform.ClientForAsync(Roles.Leader), await platform.ClientForAsync(Roles.Admin),
                     await platform.ClientForAsync(Roles.Agency, "market-regulator"),
                 })
        {
            Assert.Equal("FORBIDDEN", ErrorCode(await PostAsync(client, Query, new { subject = uscc })));
        }
    }
}
