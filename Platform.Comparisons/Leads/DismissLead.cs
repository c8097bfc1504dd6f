using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Leads;

/// <summary>An officer dismisses a lead under verification, saying why; a re-run does not raise it again for the same evidence.</summary>
public sealed record DismissLead(string Reason)
{
    public Decision Decide(Lead? lead, string id, LeadActor actor, DateTimeOffset now)
    {
        if (LeadRules.Check(lead, id, actor, LeadRole.Officer, "dismiss a lead", LeadStatus.UnderVerification) is { } refused)
        {
            return refused;
        }
        return string.IsNullOrWhiteSpace(Reason)
            ? Decision.Refuse(RefusalKind.Invalid, "Say why the lead is dismissed: a reason is required.")
            : Decision.Of(new LeadDismissed(id, Reason.Trim(), actor.Id, now));
    }
}
