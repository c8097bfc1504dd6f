using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Runs;

/// <summary>
/// RULES.md "Leads from runs": an open lead whose candidate is gone after an agency's correction, sent through the
/// upload path, is closed as corrected by the next run, and a further run leaves it so.
/// </summary>
public sealed class CorrectedAwayTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Period = "2026-03";

    private async Task<RuleRun> RunAsync(string rule) =>
        await platform.Services.GetRequiredService<RuleRunner>().RunAsync(rule, null, RunTrigger.OnDemand, "test", default);

    private async Task<Lead> LeadOfAsync(string rule, string subject) =>
        Assert.Single((await platform.Services.GetRequiredService<LeadReader>().PageAsync(new LeadFilter(rule, Subject: subject),
            new LeadReader.Reach(false, null, null), 10, null, default)).Nodes);

    private async Task SendAsync(string agency, string template, string csv, string mode = "new")
    {
        var client = await platform.ClientForAsync(Roles.Agency, agency);
        Assert.Equal(SubmissionStatus.Accepted, (await client.SubmitAsync(Files.Utf8(csv), template: template, period: Period, mode: mode)).Status);
    }

    [Fact]
    public async Task The_bureau_registering_an_unregistered_business_closes_its_lead_as_corrected()
    {
        var uscc = Files.Uscc(6101, "511302");
        var registration = Files.Registration(6101, Period, county: "511302");
        await SendAsync("market-regulator", "business-registrations", Files.Csv([registration]));
        await RunAsync(RegistryUnregistered.RuleId);
        Assert.Equal(LeadStatus.Assigned, (await LeadOfAsync(RegistryUnregistered.RuleId, uscc)).Status);

        await SendAsync("tax-bureau", "tax-registrations",
            $"uscc,name,legal_rep,registered,status,tax_office,division,period\r\n{uscc},{registration[1]},张三,2015-07-01,正常,15113020000,511302,{Period}\r\n");
        var run = await RunAsync(RegistryUnregistered.RuleId);

        Assert.Equal((0, 1), (run.Raised, run.Closed));
        Assert.Equal(LeadStatus.ClosedAsCorrected, (await LeadOfAsync(RegistryUnregistered.RuleId, uscc)).Status);
        Assert.Equal((0, 0), ((await RunAsync(RegistryUnregistered.RuleId)).Raised, (await RunAsync(RegistryUnregistered.RuleId)).Closed));
    }

    [Fact]
    public async Task A_corrected_vat_declaration_closes_the_surcharge_shortfall_lead_as_corrected()
    {
        var uscc = Files.Uscc(6201, "511302");
        const string header = "uscc,period,revenue,vat_paid,consumption_tax_paid,paid_on";
        // 1,000.00 VAT paid and no surcharge collected: 10.00 + 30.00 + 20.00 short, each beyond the 1.00 tolerance.
        await SendAsync("tax-bureau", "vat-declarations", $"{header}\r\n{uscc},{Period},10000.00,1000.00,,2026-04-10\r\n");
        await RunAsync(SurchargeShortfall.RuleId);
        var lead = await LeadOfAsync(SurchargeShortfall.RuleId, uscc);
        Assert.Equal((LeadStatus.Assigned, 60.00m), (lead.Status, lead.AmountAtRisk));

        // The bureau corrects the declaration: no VAT was due that month, so no surcharge was either.
        await SendAsync("tax-bureau", "vat-declarations", $"{header}\r\n{uscc},{Period},10000.00,0.00,,2026-04-10\r\n", mode: "correct");
        var run = await RunAsync(SurchargeShortfall.RuleId);

        Assert.Equal(1, run.Closed);
        Assert.Equal(LeadStatus.ClosedAsCorrected, (await LeadOfAsync(SurchargeShortfall.RuleId, uscc)).Status);
    }
}
