using System.Security.Claims;
using OpenIddict.Abstractions;
using Platform.Templates.Negotiation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

public static class RoleRequirements
{
    public static bool HasAnyRole(this ClaimsPrincipal user, params string[] roles) => roles.Any(user.HasScope);

    /// <summary>Admits a token granted any one of the roles' scopes.</summary>
    public static TBuilder RequireAnyRole<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasAnyRole(roles)));

    /// <summary>The caller as a party to template negotiation: analysts and administrators are the bureau's side.</summary>
    public static Actor? Actor(this ClaimsPrincipal user)
    {
        var id = user.GetClaim(Claims.Subject) ?? "";
        if (user.HasAnyRole(Roles.Analyst, Roles.Admin))
        {
            return new Actor(id, Side.Bureau);
        }
        return user.HasScope(Roles.Agency) ? new Actor(id, Side.Agency, user.GetClaim(PlatformClaims.Agency)) : null;
    }

    /// <summary>The agency a caller is confined to: its own for an agency client, none (all agencies) for bureau roles.</summary>
    public static string? ConfinedToAgency(this ClaimsPrincipal user) =>
        user.HasAnyRole(Roles.Analyst, Roles.Admin, Roles.Leader, Roles.Officer) ? null : user.GetClaim(PlatformClaims.Agency) ?? "";
}
