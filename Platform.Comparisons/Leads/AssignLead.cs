using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Leads;

/// <summary>An analyst assigns (or reassigns) an open lead to a tax office; a run assigns each lead it raises by county.</summary>
public sealed record AssignLead(string Office)
{
    public Decision Decide(Lead? lead, string id, LeadActor actor, TaxOffices offices, DateTimeOffset now)
    {
        if (LeadRules.Check(lead, id, actor, LeadRole.Analyst, "assign a lead", LeadStatus.Raised, LeadStatus.Assigned) is { } refused)
        {
            return refused;
        }
        if (offices.Find(Office) is null)
        {
            return Decision.Refuse(RefusalKind.Invalid, $"There is no tax office '{Office}' (Comparisons:Offices).");
        }
        return lead!.Office == Office ? Decision.Of() : Decision.Of(new LeadAssigned(id, Office, actor.Id, now));
    }
}
