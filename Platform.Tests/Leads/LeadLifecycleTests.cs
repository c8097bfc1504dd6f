using System.Text.Json;
using Platform.Comparisons.Leads;
using Platform.Templates.Negotiation;

namespace Platform.Tests.Leads;

/// <summary>Who may do what to a lead in which state: the pure decisions, without a database.</summary>
public sealed class LeadLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly TaxOffices Offices = new(TaxOffices.Demo);
    private static readonly LeadActor Analyst = new("analyst", LeadRole.Analyst);
    private static readonly LeadActor Shunqing = new("officer-sq", LeadRole.Officer, "511302", "shunqing-office");
    private static readonly LeadActor Langzhong = new("officer-lz", LeadRole.Officer, "511381", "langzhong-office");

    private static Lead Raised() => Lead.Of(new LeadRaised("L1", "surcharge-shortfall", 1, JsonDocument.Parse("{}").RootElement, "91511302MA0000001X",
        "2026-03", 1200.00m, null, new Evidence([], JsonDocument.Parse("{}").RootElement), "d1", "511302", "run", Now));

    private static Lead After(Lead lead, Decision decision)
    {
        Assert.Null(decision.Refusal);
        return decision.Events.Aggregate(lead, (state, e) => state.With(e));
    }

    private static Lead Assigned() => After(Raised(), new AssignLead("shunqing-office").Decide(Raised(), "L1", Analyst, Offices, Now));

    private static Lead UnderVerification() => After(Assigned(), StartVerification.Decide(Assigned(), "L1", Shunqing, Now));

    private static void Refused(RefusalKind kind, Decision decision) => Assert.Equal(kind, decision.Refusal?.Kind);

    [Fact]
    public void An_analyst_assigns_a_raised_lead_and_an_officer_may_not()
    {
        Assert.Equal((LeadStatus.Assigned, "shunqing-office"), (Assigned().Status, Assigned().Office));
        Refused(RefusalKind.Forbidden, new AssignLead("shunqing-office").Decide(Raised(), "L1", Shunqing, Offices, Now));
        Refused(RefusalKind.Invalid, new AssignLead("no-such-office").Decide(Raised(), "L1", Analyst, Offices, Now));
        Refused(RefusalKind.NotFound, new AssignLead("shunqing-office").Decide(null, "L1", Analyst, Offices, Now));
    }

    [Fact]
    public void An_analyst_of_another_jurisdiction_may_not_assign_and_is_told_of_no_such_lead()
    {
        Refused(RefusalKind.NotFound, new AssignLead("shunqing-office").Decide(Raised(), "L1", Analyst with { Jurisdiction = "5101" }, Offices, Now));
    }

    [Fact]
    public void An_officer_of_the_county_verifies_and_one_of_another_county_is_told_of_no_such_lead()
    {
        Assert.Equal(LeadStatus.UnderVerification, UnderVerification().Status);
        Refused(RefusalKind.NotFound, StartVerification.Decide(Assigned(), "L1", Langzhong, Now));
        Refused(RefusalKind.NotFound, StartVerification.Decide(Assigned(), "L1", Shunqing with { Jurisdiction = null, Office = null }, Now));
        Refused(RefusalKind.Forbidden, StartVerification.Decide(Assigned(), "L1", Analyst, Now));
    }

    [Fact]
    public void An_officer_of_the_office_the_lead_is_assigned_to_reaches_it_outside_the_county()
    {
        var reassigned = After(Assigned(), new AssignLead("langzhong-office").Decide(Assigned(), "L1", Analyst, Offices, Now));
        Assert.IsType<VerificationStarted>(Assert.Single(StartVerification.Decide(reassigned with { County = "511302" }, "L1", Langzhong, Now).Events));
    }

    [Fact]
    public void Verification_starts_only_on_an_assigned_lead()
    {
        Refused(RefusalKind.Conflict, StartVerification.Decide(Raised(), "L1", Shunqing, Now));
        Refused(RefusalKind.Conflict, StartVerification.Decide(UnderVerification(), "L1", Shunqing, Now));
    }

    [Fact]
    public void Confirming_tax_assessed_computes_the_late_fee_from_the_day_after_the_deadline()
    {
        var confirmed = After(UnderVerification(), new ConfirmLead(Confirmation.TaxAssessed, 1000.00m, 500.00m).Decide(UnderVerification(), "L1", Shunqing, Now));
        // Period 2026-03: deadline 2026-04-15; from 2026-04-16 to 2026-11-30 (assessed) is 229 days at 0.05%.
        Assert.Equal((LeadStatus.Confirmed, 1000.00m, 114.50m, 500.00m), (confirmed.Status, confirmed.Tax, confirmed.LateFee, confirmed.Penalty));
        Refused(RefusalKind.Invalid, new ConfirmLead(Confirmation.TaxAssessed).Decide(UnderVerification(), "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new ConfirmLead(Confirmation.TaxAssessed, 10.001m).Decide(UnderVerification(), "L1", Shunqing, Now));
        Refused(RefusalKind.Conflict, new ConfirmLead(Confirmation.TaxAssessed, 1000m).Decide(Assigned(), "L1", Shunqing, Now));
    }

    [Fact]
    public void Amounts_are_bounded_and_a_deadline_is_not_before_the_lead_s_period()
    {
        Refused(RefusalKind.Invalid, new ConfirmLead(Confirmation.TaxAssessed, LeadAmounts.Max + 1).Decide(UnderVerification(), "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new ConfirmLead(Confirmation.TaxAssessed, 1m, decimal.MaxValue).Decide(UnderVerification(), "L1", Shunqing, Now));
        var before = new ConfirmLead(Confirmation.TaxAssessed, 100m, Deadline: new DateOnly(1900, 1, 1)).Decide(UnderVerification(), "L1", Shunqing, Now);
        Refused(RefusalKind.Invalid, before);
        Assert.Contains("2026-04-15", before.Refusal!.Message, StringComparison.Ordinal);
        var largest = After(UnderVerification(), new ConfirmLead(Confirmation.TaxAssessed, LeadAmounts.Max, Deadline: new DateOnly(2026, 3, 1))
            .Decide(UnderVerification(), "L1", Shunqing, Now));
        Assert.Equal(LeadAmounts.Max, largest.Tax);
    }

    [Fact]
    public void A_collection_pays_no_more_than_was_assessed_with_late_fees_running_to_the_day_of_payment()
    {
        // Tax 1,000 for 2026-03, assessed 2026-11-30 with a late fee of 114.50 (from 2026-04-16).
        var confirmed = After(UnderVerification(), new ConfirmLead(Confirmation.TaxAssessed, 1000.00m, 50.00m).Decide(UnderVerification(), "L1", Shunqing, Now));
        var over = new RecordPayment(999_999_999m, 0, 0, new DateOnly(2026, 11, 30)).Decide(confirmed, "L1", Shunqing, Now);
        Refused(RefusalKind.Invalid, over);
        Assert.Contains("at most tax 1000", over.Refusal!.Message, StringComparison.Ordinal);
        Refused(RefusalKind.Invalid, new RecordPayment(1000m, 0, 50.01m, new DateOnly(2026, 11, 30)).Decide(confirmed, "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new RecordPayment(100m, 0, 0, new DateOnly(1900, 1, 1)).Decide(confirmed, "L1", Shunqing, Now));
        // Paid on the day of assessment: at most the fee assessed; ten days later, ten days' more from the same deadline.
        Refused(RefusalKind.Invalid, new RecordPayment(1000m, 114.51m, 50m, new DateOnly(2026, 11, 30)).Decide(confirmed, "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new RecordPayment(1000m, 119.51m, 50m, new DateOnly(2026, 12, 10)).Decide(confirmed, "L1", Shunqing, Now.AddDays(10)));
        var paid = After(confirmed, new RecordPayment(1000m, 119.50m, 50m, new DateOnly(2026, 12, 10)).Decide(confirmed, "L1", Shunqing, Now.AddDays(10)));
        Assert.Equal((1000m, 119.50m, 50m), (paid.TaxPaid, paid.LateFeePaid, paid.PenaltyPaid));
    }

    [Fact]
    public void A_registration_confirms_without_amounts_and_has_nothing_to_collect()
    {
        var registered = After(UnderVerification(), new ConfirmLead(Confirmation.TaxpayerRegistered).Decide(UnderVerification(), "L1", Shunqing, Now));
        Assert.Equal(Confirmation.TaxpayerRegistered, registered.Confirmation);
        Refused(RefusalKind.Invalid, new ConfirmLead(Confirmation.TaxpayerRegistered, 5m).Decide(UnderVerification(), "L1", Shunqing, Now));
        Refused(RefusalKind.Conflict, new RecordPayment(1m, 0, 0, new DateOnly(2026, 11, 30)).Decide(registered, "L1", Shunqing, Now));
    }

    [Fact]
    public void A_collection_is_recorded_on_a_lead_confirmed_with_tax()
    {
        var confirmed = After(UnderVerification(), new ConfirmLead(Confirmation.TaxAssessed, 1000.00m).Decide(UnderVerification(), "L1", Shunqing, Now));
        var collected = After(confirmed, new RecordPayment(1000.00m, 114.50m, 0, new DateOnly(2026, 11, 30)).Decide(confirmed, "L1", Shunqing, Now));
        Assert.Equal((LeadStatus.Collected, 1000.00m, 114.50m), (collected.Status, collected.TaxPaid, collected.LateFeePaid));
        Refused(RefusalKind.Invalid, new RecordPayment(1m, 0, 0, new DateOnly(2026, 12, 31)).Decide(confirmed, "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new RecordPayment(0, 0, 0, new DateOnly(2026, 11, 30)).Decide(confirmed, "L1", Shunqing, Now));
        Refused(RefusalKind.Conflict, new RecordPayment(1m, 0, 0, new DateOnly(2026, 11, 30)).Decide(UnderVerification(), "L1", Shunqing, Now));
    }

    [Fact]
    public void An_analyst_of_a_county_assigns_a_lead_to_its_county_s_office_or_the_bureau_not_to_another_county_s()
    {
        var countyAnalyst = new LeadActor("analyst-sq", LeadRole.Analyst, "511302");
        var other = new AssignLead("langzhong-office").Decide(Raised(), "L1", countyAnalyst, Offices, Now);
        Refused(RefusalKind.Invalid, other);
        Assert.Contains("shunqing-office", other.Refusal!.Message, StringComparison.Ordinal);
        Assert.Equal("nanchong-bureau", After(Raised(), new AssignLead("nanchong-bureau").Decide(Raised(), "L1", countyAnalyst, Offices, Now)).Office);
        Assert.Equal("langzhong-office", After(Raised(), new AssignLead("langzhong-office").Decide(Raised(), "L1", Analyst, Offices, Now)).Office);
    }

    [Fact]
    public void A_decision_s_today_is_the_date_of_the_time_it_is_given_in_the_platform_s_zone()
    {
        var confirmed = After(UnderVerification(), new ConfirmLead(Confirmation.TaxAssessed, 1000.00m).Decide(UnderVerification(), "L1", Shunqing, Now));
        // 07:00 on 1 December in Beijing is still 30 November in UTC: a payment made that morning is not "after today".
        var morning = new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.FromHours(8));
        var paid = After(confirmed, new RecordPayment(1000m, 0, 0, new DateOnly(2026, 12, 1)).Decide(confirmed, "L1", Shunqing, morning));
        Assert.Equal(new DateOnly(2026, 12, 1), paid.PaidOn);
    }

    [Fact]
    public void A_dismissal_needs_a_reason_and_ends_the_lead()
    {
        Refused(RefusalKind.Invalid, new DismissLead(" ").Decide(UnderVerification(), "L1", Shunqing, Now));
        Refused(RefusalKind.Invalid, new DismissLead(new string('x', DismissLead.MaxReasonChars + 1)).Decide(UnderVerification(), "L1", Shunqing, Now));
        var dismissed = After(UnderVerification(), new DismissLead("已申报").Decide(UnderVerification(), "L1", Shunqing, Now));
        Assert.Equal((LeadStatus.Dismissed, "已申报", false), (dismissed.Status, dismissed.DismissedBecause, dismissed.IsOpen));
        Refused(RefusalKind.Conflict, new ConfirmLead(Confirmation.TaxAssessed, 1m).Decide(dismissed, "L1", Shunqing, Now));
        Refused(RefusalKind.Conflict, new AssignLead("shunqing-office").Decide(dismissed, "L1", Analyst, Offices, Now));
    }
}
