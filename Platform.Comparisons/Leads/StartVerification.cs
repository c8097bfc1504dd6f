using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Leads;

/// <summary>An officer of the lead's county starts verifying an assigned lead.</summary>
public static class StartVerification
{
    public static Decision Decide(Lead? lead, string id, LeadActor actor, DateTimeOffset now) =>
        LeadRules.Check(lead, id, actor, LeadRole.Officer, "start verification", LeadStatus.Assigned)
        ?? Decision.Of(new VerificationStarted(id, actor.Id, now));
}
