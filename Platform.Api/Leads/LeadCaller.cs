using System.Security.Claims;
using GraphQL;
using OpenIddict.Abstractions;
using Platform.Api.Access;
using Platform.Api.Auth;
using Platform.Comparisons.Leads;
using Platform.Templates.Negotiation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Leads;

/// <summary>The caller as the leads see it: an analyst or officer with the token's jurisdiction and office, and what it may see of a lead's sources.</summary>
public static class LeadCaller
{
    public static LeadActor ActorOf(ClaimsPrincipal user)
    {
        var role = user.GetClaim(Claims.Role) == Roles.Officer ? LeadRole.Officer : LeadRole.Analyst;
        return new LeadActor(user.GetClaim(Claims.Subject) ?? "", role, Blank(AccessPolicy.JurisdictionOf(user)), Blank(user.GetClaim(PersonClaims.Office)));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The lead as this caller may see it: an officer sees the supplying agency only where policy names the data set (<c>Access:SourceNamedToOfficers</c>).</summary>
    public static Lead AsSeenBy(Lead lead, ClaimsPrincipal user, IServiceProvider services) =>
        AccessPolicy.ReachOf(user, Operation.ReadLeads) == Reach.JurisdictionSourceMasked
            ? lead with { Evidence = lead.Evidence.MaskedExcept(services.GetRequiredService<AccessOptions>().SourceNamedToOfficers) }
            : lead;

    public static ExecutionError Refused(Refusal refusal) => new(refusal.Message)
    {
        Code = refusal.Kind switch
        {
            RefusalKind.NotFound => "NOT_FOUND",
            RefusalKind.Forbidden => "FORBIDDEN",
            RefusalKind.Conflict => "CONFLICT",
            _ => "INVALID",
        },
    };
}
