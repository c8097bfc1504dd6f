using Platform.Templates.Checks;
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
        if (offices.Find(Office) is not { } office)
        {
            return Decision.Refuse(RefusalKind.Invalid, $"There is no tax office '{Office}' (Comparisons:Offices).");
        }
        // An office's officers reach the leads assigned to it: an analyst sends a lead to an office serving its county (the
        // bureau serves all) or to one within their own jurisdiction, never to another county's office beyond it.
        if (!SubjectDivision.IsWithin(lead!.County, office.Jurisdiction) && actor.Jurisdiction is { } jurisdiction &&
            !SubjectDivision.IsWithin(office.Jurisdiction, jurisdiction))
        {
            return Decision.Refuse(RefusalKind.Invalid,
                $"'{Office}' serves {office.Jurisdiction}, beyond your jurisdiction ({jurisdiction}) and not the lead's county ({lead.County}): " +
                $"assign it to {offices.For(lead.County)?.Id ?? "the office of its county"} or to an office within your jurisdiction.");
        }
        return lead!.Office == Office ? Decision.Of() : Decision.Of(new LeadAssigned(id, Office, actor.Id, now));
    }
}
