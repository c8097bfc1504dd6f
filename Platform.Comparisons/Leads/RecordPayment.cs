using Platform.Templates.Negotiation;

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
        if (amounts.Any(a => a < 0 || decimal.Round(a, 2) != a) || amounts.Sum() == 0)
        {
            return Decision.Refuse(RefusalKind.Invalid, "Amounts paid are yuan: not negative, at most two decimals, and not all 0.");
        }
        return PaidOn > DateOnly.FromDateTime(now.UtcDateTime)
            ? Decision.Refuse(RefusalKind.Invalid, "The day of payment cannot be after today.")
            : Decision.Of(new LeadCollected(id, TaxPaid, LateFeePaid, PenaltyPaid, PaidOn, actor.Id, now));
    }
}
