using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>
/// The token endpoint's last step. OpenIddict has already authenticated the client and checked that it may use the
/// grant and the scopes it asked for; this builds the identity the access token carries.
/// </summary>
public static class IssueToken
{
    /// <summary>Application properties that say which role and agency a client acts as.</summary>
    public const string RoleProperty = "platform_role";
    public const string AgencyProperty = "platform_agency";

    public static void MapIssueToken(this IEndpointRouteBuilder app) =>
        app.MapPost("/connect/token", Handle).AllowAnonymous().RequireRateLimiting(CredentialAttempts.Policy).ExcludeFromDescription();

    private static async Task<IResult> Handle(HttpContext context, IOpenIddictApplicationManager applications, People people, TimeProvider time)
    {
        var request = context.GetOpenIddictServerRequest()
                      ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await ForPersonAsync(context, people, time);
        }
        if (!request.IsClientCredentialsGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials, authorization_code and refresh_token grants are enabled.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
                          ?? throw new InvalidOperationException("OpenIddict authenticated a client that does not exist.");
        var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
        var role = properties.TryGetValue(RoleProperty, out var r) ? r.GetString() : null;
        if (role is null || !Roles.All.Contains(role))
        {
            return Forbid(Errors.UnauthorizedClient, "This client has no platform role; ask an administrator to assign one.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId);
        identity.SetClaim(Claims.Role, role);
        if (properties.TryGetValue(AgencyProperty, out var agency) && agency.ValueKind == JsonValueKind.String)
        {
            identity.SetClaim(PlatformClaims.Agency, agency.GetString());
        }

        // A client that names no scope gets its role's scope: the only one it is permitted.
        identity.SetScopes(request.GetScopes().IsEmpty ? [role] : request.GetScopes());
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// A code or refresh token that OpenIddict has validated (PKCE verifier included): the person is read again, so a
    /// removed or locked account gets no new tokens and a changed role or office shows in the next ones.
    /// </summary>
    private static async Task<IResult> ForPersonAsync(HttpContext context, People people, TimeProvider time)
    {
        var granted = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var user = Guid.TryParse(granted?.GetClaim(Claims.Subject), out var id) ? await people.LoadAsync(id, context.RequestAborted) : null;
        if (user is null || user.IsLockedAt(time.GetUtcNow()))
        {
            return Forbid(Errors.InvalidGrant, "This account no longer exists or is locked.");
        }
        return Results.SignIn(PersonClaims.For(user, granted!.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
