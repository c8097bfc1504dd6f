using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Leads;

/// <summary>An officer dismisses a lead under verification, saying why; a re-run does not raise it again for the same evidence.</summary>
public sealed record DismissLead(string Reason)
{
    /// <summary>A reason is read with the lead's history every time; a page of text is a report, kept elsewhere.</summary>
    public const int MaxReasonChars = 2_000;

    public Decision Decide(Lead? lead, string id, LeadActor actor, DateTimeOffset now)
    {
        if (LeadRules.Check(lead, id, actor, LeadRole.Officer, "dismiss a lead", LeadStatus.UnderVerification) is { } refused)
        {
            return refused;
        }
        return string.IsNullOrWhiteSpace(Reason) || Reason.Trim().Length > MaxReasonChars
            ? Decision.Refuse(RefusalKind.Invalid, $"Say why the lead is dismissed, in at most {MaxReasonChars} characters; the evidence stays with the lead.")
            : Decision.Of(new LeadDismissed(id, Reason.Trim(), actor.Id, now));
    }
}
