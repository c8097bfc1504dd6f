using System.Security.Claims;
using OpenIddict.Abstractions;
using Platform.Templates.Negotiation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

public static class RoleRequirements
{
    public static bool HasAnyRole(this ClaimsPrincipal user, params string[] roles) => roles.Any(user.HasScope);

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
}
