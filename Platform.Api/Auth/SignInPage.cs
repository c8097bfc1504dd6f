using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>Claims a person's tokens carry beside the standard ones and <see cref="PlatformClaims.Agency"/>.</summary>
public static class PersonClaims
{
    /// <summary>The tax office a member of the bureau belongs to.</summary>
    public const string Office = "office";

    /// <summary>The office's jurisdiction, a GB/T 2260 division prefix.</summary>
    public const string Jurisdiction = "jurisdiction";

    /// <summary>
    /// The identity a person's code, access and refresh tokens carry: subject, name, role, agency or office and
    /// jurisdiction, and the role's scope and any granted data role's (which <see cref="Access.AccessPolicy"/> reads)
    /// beside the OpenID ones asked for.
    /// </summary>
    public static ClaimsPrincipal For(PlatformUser user, IEnumerable<string> requestedScopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id.ToString());
        identity.SetClaim(Claims.Name, user.Username);
        identity.SetClaim(Claims.Role, user.Role);
        identity.SetClaim(PlatformClaims.Agency, user.Agency);
        identity.SetClaim(Office, user.Office);
        identity.SetClaim(Jurisdiction, user.Jurisdiction);
        identity.SetScopes([user.Role, .. user.Grants.Intersect(Roles.Grantable), .. requestedScopes.Intersect([Scopes.OpenId, Scopes.OfflineAccess])]);
        identity.SetDestinations(claim => claim.Type is Claims.Subject or Claims.Name or Claims.Role
            ? [Destinations.AccessToken, Destinations.IdentityToken]
            : [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}

/// <summary>
/// <c>/connect/authorize</c>, passed through by OpenIddict once it has checked the client, redirect URI and PKCE
/// challenge: GET shows the login form, POST checks the password (rate-limited as <see cref="CredentialAttempts.Policy"/>,
/// counted toward lockout) and answers with the code. No session cookie: each authorization asks for the password.
/// </summary>
public static class SignInPage
{
    private const string Path = "/connect/authorize";

    public static void MapSignInPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Show).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Path, SignInAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(CredentialAttempts.Policy).ExcludeFromDescription();
    }

    private static IResult Show(HttpContext context, IAntiforgery antiforgery, IOptions<TokenOptions> tokens) =>
        Page(context, antiforgery, tokens.Value, StatusCodes.Status200OK, null);

    // Antiforgery is checked here rather than by the middleware, so that a bad token answers with the form again.
    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, People people, IOptions<TokenOptions> tokens)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Page(context, antiforgery, tokens.Value, StatusCodes.Status400BadRequest, "表单已过期，请重新登录。The form expired; sign in again.");
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (check, user) = await people.CheckAsync(form["username"].ToString(), form["password"].ToString(), context.RequestAborted);
        if (check != PasswordCheck.Accepted)
        {
            // One answer for an unknown name, a wrong password and a locked account: none says which names exist.
            return Page(context, antiforgery, tokens.Value, StatusCodes.Status401Unauthorized,
                "用户名或密码错误，或密码错误次数过多、账户暂被锁定；请稍后再试或联系管理员。" +
                "Wrong username or password, or too many wrong passwords: the account is locked for a while; try later or ask an administrator.");
        }
        return Results.SignIn(PersonClaims.For(user!, request.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, TokenOptions tokens, int status, string? error)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");
        var antiforgeryToken = antiforgery.GetAndStoreTokens(context);
        var html = new StringBuilder("""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>登录 Sign in · 涉税信息共享平台</title>
            <style>
              body { margin: 0; background: #f3f5f8; color: #1d2733; font: 15px/1.5 "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif; }
              header { background: #0b5cad; color: #fff; padding: .75rem 1.5rem; }
              h1 { font-size: 1.25rem; margin: 0; }
              main { max-width: 24rem; margin: 4rem auto; background: #fff; border: 1px solid #d5dbe2; border-radius: 6px; padding: 1.25rem 1.5rem; }
              h2 { font-size: 1.1rem; margin: 0 0 1rem; }
              label { display: block; margin-bottom: .75rem; }
              label span { display: block; color: #5b6674; font-size: .9rem; }
              input { font: inherit; width: 100%; box-sizing: border-box; padding: .35rem .45rem; border: 1px solid #d5dbe2; border-radius: 4px; }
              button { font: inherit; padding: .4rem 1.2rem; border: 1px solid #0b5cad; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
              [role=alert] { color: #b3261e; border-left: 3px solid #b3261e; padding-left: .6rem; }
              :focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
            </style></head>
            <body><header><h1>涉税信息共享平台</h1></header><main><h2>登录 Sign in</h2>
            """);
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>");
        }
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{Path}\">");
        foreach (var (name, value) in (IEnumerable<KeyValuePair<string, OpenIddictParameter>>)request.GetParameters())
        {
            if (name is not ("username" or "password") && !name.StartsWith("__", StringComparison.Ordinal))
            {
                html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(name)}\" value=\"{WebUtility.HtmlEncode((string?)value)}\">");
            }
        }
        html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{antiforgeryToken.FormFieldName}\" value=\"{WebUtility.HtmlEncode(antiforgeryToken.RequestToken)}\">");
        html.Append("""
            <label><span>用户名 Username</span><input name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
            <label><span>密码 Password</span><input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">登录 Sign in</button></form></main></body></html>
            """);
        // The form posts here and the answer redirects to the client: both must be allowed form targets.
        var targets = string.Join(' ', WebFront.RedirectUris(tokens).Select(u => u.GetLeftPart(UriPartial.Authority)).Distinct());
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self' {targets}; frame-ancestors 'none'";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
