using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Comparisons.Leads;

/// <summary>An officer records what was paid on a lead confirmed with tax assessed (控管成果: tax, late fee and penalty collected).</summary>
public sealed record RecordPayment(decimal TaxPaid, decimal LateFeePaid, decimal PenaltyPaid, DateOnly PaidOn)
{
    public Decision Decide(Lead? lead, string id, LeadActor actor, DateTimeOffset now)
    {
        if (LeadRules.Check(lead, id, actor, LeadRole.Officer, "record a collection", LeadStatus.Confirmed) is { } refused)
        {
            return refused;
        }
        if (lead!.Confirmation != Confirmation.TaxAssessed)
        {
            return Decision.Refuse(RefusalKind.Conflict, $"Lead '{id}' was confirmed as a registration; there is nothing to collect.");
        }
        decimal[] amounts = [TaxPaid, LateFeePaid, PenaltyPaid];
        if (!amounts.All(LeadAmounts.IsAmount) || amounts.Sum() == 0)
        {
            return Decision.Refuse(RefusalKind.Invalid, $"Amounts paid are yuan: {LeadAmounts.Words}, and not all 0.");
        }
        var periodBegan = Period.Parse(lead.Period).FirstDay;
        if (PaidOn > DateOnly.FromDateTime(now.DateTime) || PaidOn < periodBegan)
        {
            return Decision.Refuse(RefusalKind.Invalid, $"The day of payment is between the lead's period's first day ({periodBegan:yyyy-MM-dd}) and today.");
        }
        // Late fees run on to the day of payment from the deadline the confirmation used (a confirmation recorded before
        // it kept its deadline: from the period's first day, the earliest a deadline may be).
        var lateFeeDue = Math.Max(lead.LateFee, LateFee.Of(lead.Tax, lead.Deadline ?? periodBegan, PaidOn));
        if (TaxPaid > lead.Tax || PenaltyPaid > lead.Penalty || LateFeePaid > lateFeeDue)
        {
            return Decision.Refuse(RefusalKind.Invalid,
                $"More is paid than was assessed: at most tax {lead.Tax}, penalty {lead.Penalty}, and late fee {lateFeeDue} to {PaidOn:yyyy-MM-dd}. " +
                "Record what was paid against this lead only.");
        }
        return Decision.Of(new LeadCollected(id, TaxPaid, LateFeePaid, PenaltyPaid, PaidOn, actor.Id, now));
    }
}
