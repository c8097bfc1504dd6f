using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Comparisons.Leads;

/// <summary>
/// An officer confirms a lead under verification: tax assessed (the tax, the penalty, and the late fee from the day after
/// the deadline, by default the period's filing deadline, to the day of assessment), or the taxpayer registered.
/// </summary>
public sealed record ConfirmLead(Confirmation Kind, decimal Tax = 0, decimal Penalty = 0, DateOnly? Deadline = null)
{
    public Decision Decide(Lead? lead, string id, LeadActor actor, DateTimeOffset now)
    {
        if (LeadRules.Check(lead, id, actor, LeadRole.Officer, "confirm a lead", LeadStatus.UnderVerification) is { } refused)
        {
            return refused;
        }
        if (!LeadAmounts.IsAmount(Tax) || !LeadAmounts.IsAmount(Penalty))
        {
            return Decision.Refuse(RefusalKind.Invalid, $"Tax and penalty are amounts in yuan: {LeadAmounts.Words}.");
        }
        var period = Period.Parse(lead!.Period);
        if (Deadline < period.FirstDay)
        {
            return Decision.Refuse(RefusalKind.Invalid,
                $"The deadline {Deadline:yyyy-MM-dd} is before the lead's period {lead.Period} began; give the day the tax fell due (by default the filing " +
                $"deadline, {LateFee.DeadlineOf(period):yyyy-MM-dd}).");
        }
        if (Kind == Confirmation.TaxpayerRegistered)
        {
            return Tax != 0 || Penalty != 0
                ? Decision.Refuse(RefusalKind.Invalid, "A registration assesses no tax; confirm as tax assessed to give amounts.")
                : Decision.Of(new LeadConfirmed(id, Kind, 0, 0, 0, actor.Id, now));
        }
        if (Tax == 0)
        {
            return Decision.Refuse(RefusalKind.Invalid, "Give the tax assessed (more than 0), or dismiss the lead.");
        }
        var deadline = Deadline ?? LateFee.DeadlineOf(period);
        return Decision.Of(new LeadConfirmed(id, Kind, Tax, LateFee.Of(Tax, deadline, DateOnly.FromDateTime(now.DateTime)), Penalty, actor.Id, now,
            deadline));
    }
}
