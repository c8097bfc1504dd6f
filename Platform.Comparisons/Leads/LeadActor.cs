using Platform.Templates.Checks;
using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Leads;

public enum LeadRole
{
    /// <summary>A tax-bureau analyst: runs rules, reads and assigns leads in jurisdiction.</summary>
    Analyst,

    /// <summary>A field officer of a tax office: works the leads of the office's county.</summary>
    Officer,
}

/// <summary>
/// Who acts on a lead: the caller's id, role, and jurisdiction (a GB/T 2260 prefix from the token) and office. A caller
/// with no jurisdiction is the whole city for an analyst (a client-credentials system) and nowhere for an officer:
/// an officer works only leads whose county lies in the office's jurisdiction, or that are assigned to the office.
/// </summary>
public sealed record LeadActor(string Id, LeadRole Role, string? Jurisdiction = null, string? Office = null)
{
    public bool Reaches(Lead lead) => Role switch
    {
        LeadRole.Analyst => Jurisdiction is null || SubjectDivision.IsWithin(lead.County, Jurisdiction),
        _ => (Jurisdiction is { Length: > 0 } j && SubjectDivision.IsWithin(lead.County, j)) ||
             (Office is not null && lead.Office == Office),
    };
}

/// <summary>
/// The checks every lifecycle decision starts with: the lead exists and is in reach (a lead out of reach is answered as
/// one that does not exist, as reads answer it, so a step tells nothing of it), the role may take the step, and the lead
/// is in a state that allows it.
/// </summary>
internal static class LeadRules
{
    public static Decision? Check(Lead? lead, string id, LeadActor actor, LeadRole role, string step, params LeadStatus[] allowed)
    {
        if (lead is null || !actor.Reaches(lead))
        {
            return Decision.Refuse(RefusalKind.NotFound, $"There is no lead '{id}' that you may see.");
        }
        if (actor.Role != role)
        {
            return Decision.Refuse(RefusalKind.Forbidden, $"Only {(role == LeadRole.Analyst ? "an analyst" : "an officer")} may {step}.");
        }
        return allowed.Contains(lead.Status)
            ? null
            : Decision.Refuse(RefusalKind.Conflict,
                $"Lead '{id}' is {Words(lead.Status)}; to {step} it must be {string.Join(" or ", allowed.Select(Words))}.");
    }

    public static string Words(LeadStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString()).Replace('-', ' ');
}
