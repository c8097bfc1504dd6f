using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>
/// The web front's client, <c>platform-web</c>: public (a browser keeps no secret), authorization code with PKCE only,
/// refresh tokens, sign-out; it returns to <c>/signed-in</c> on loopback and under the configured issuer.
/// </summary>
public static class WebFront
{
    public const string ClientId = "platform-web";

    public static IReadOnlyList<Uri> RedirectUris(TokenOptions tokens) =>
        [.. new[] { new Uri("http://127.0.0.1:5080/signed-in"), tokens.Endpoint(new Uri("signed-in", UriKind.Relative)) }.Distinct()];

    public static IReadOnlyList<Uri> SignedOutUris(TokenOptions tokens) =>
        [.. new[] { new Uri("http://127.0.0.1:5080/"), tokens.Endpoint(new Uri("", UriKind.Relative)) }.Distinct()];

    public static OpenIddictApplicationDescriptor Describe(TokenOptions tokens)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Platform web front",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.RedirectUris.UnionWith(RedirectUris(tokens));
        descriptor.PostLogoutRedirectUris.UnionWith(SignedOutUris(tokens));
        foreach (var role in Roles.All)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + role);
        }
        return descriptor;
    }

    /// <summary>Registers the client, or brings it to this build's description (the issuer may have moved).</summary>
    public static async Task EnsureAsync(IOpenIddictApplicationManager applications, TokenOptions tokens, CancellationToken ct)
    {
        var existing = await applications.FindByClientIdAsync(ClientId, ct);
        if (existing is null)
        {
            await applications.CreateAsync(Describe(tokens), ct);
            return;
        }
        await applications.PopulateAsync(existing, Describe(tokens), ct);
        await applications.UpdateAsync(existing, ct);
    }
}
