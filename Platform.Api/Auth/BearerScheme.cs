using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;

namespace Platform.Api.Auth;

/// <summary>
/// The platform's authentication scheme: a bearer token this host validated recently is recalled
/// (<see cref="ValidatedTokens"/>); any other request, with or without a token, is authenticated by OpenIddict's
/// validation, whose success is then remembered. Challenges and refusals are OpenIddict's (forwarded), so a client sees
/// the same <c>WWW-Authenticate</c> answers either way.
/// </summary>
public sealed class BearerScheme(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ValidatedTokens validated)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "platform-bearer";

    public static void Add(AuthenticationBuilder authentication) =>
        authentication.AddScheme<AuthenticationSchemeOptions, BearerScheme>(Name, scheme =>
        {
            scheme.ForwardChallenge = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            scheme.ForwardForbid = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
        });

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Token(Request.Headers.Authorization.ToString());
        if (token is not null && validated.Recall(token) is { } ticket)
        {
            return AuthenticateResult.Success(ticket);
        }
        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (token is not null && result.Succeeded)
        {
            validated.Remember(token, result.Ticket);
        }
        return result;
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, else null (OpenIddict's validation then decides: it reads the header only).</summary>
    private static string? Token(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
}
