using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace Platform.Api.Auth;

/// <summary>
/// <c>/connect/logout</c>: with the <c>id_token_hint</c> of a sign-in, revokes that sign-in's access and refresh
/// tokens (refused at once on this host and, once told, on the others: <see cref="TokenRevocations"/>), then returns to the client.
/// </summary>
public static class SignOut
{
    public static void MapSignOut(this IEndpointRouteBuilder app) =>
        app.MapMethods("/connect/logout", [HttpMethods.Get, HttpMethods.Post], HandleAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext context, IOpenIddictTokenManager tokens, TokenRevocations revocations)
    {
        var signedIn = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (signedIn.Principal?.GetAuthorizationId() is { } authorization)
        {
            await tokens.RevokeByAuthorizationIdAsync(authorization, context.RequestAborted);
            await revocations.RevokedAsync();
        }
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>Ends every sign-in of a person (locked or removed): their authorizations and tokens are revoked, so each is refused (as on sign-out).</summary>
    public static async Task EndEverySignInAsync(IServiceProvider services, Guid person, CancellationToken ct)
    {
        await services.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeBySubjectAsync(person.ToString(), ct);
        await services.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(person.ToString(), ct);
        await services.GetRequiredService<TokenRevocations>().RevokedAsync();
    }
}
