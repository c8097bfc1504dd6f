using Platform.Api.Access;
using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>Who the bearer of a token is, as the platform sees it: lets an agency system check its credentials.</summary>
public sealed record Caller(string ClientId, string Name, string Role, string? Agency, IReadOnlyList<string> Scopes)
{
    public static Caller From(ClaimsPrincipal user) => new(
        user.GetClaim(Claims.Subject) ?? "",
        user.GetClaim(Claims.Name) ?? "",
        user.GetClaim(Claims.Role) ?? "",
        user.GetClaim(PlatformClaims.Agency),
        [.. user.GetScopes()]);
}

public static class WhoAmI
{
    public static void MapWhoAmI(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/me", (ClaimsPrincipal user) => Caller.From(user))
            .RequireAccess(Operation.ReadSelf)
            .WithTags("Auth")
            .WithSummary("The caller's client id, role, agency and scopes")
            .Produces<Caller>();
}
