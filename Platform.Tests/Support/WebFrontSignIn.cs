using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;

namespace Platform.Tests.Support;

/// <summary>
/// A person signing in as the web front does, over real HTTP: the login page, the form posted with its antiforgery
/// token, the code, and its exchange at the token endpoint with the PKCE verifier. Each instance has a verifier of its own.
/// </summary>
public sealed partial class WebFrontSignIn(PlatformFactory platform)
{
    public const string RedirectUri = "http://127.0.0.1:5080/signed-in";

    public string Verifier { get; } = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public string Challenge => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    /// <summary>The password every person made by <see cref="PersonAsync"/> has.</summary>
    public static string PasswordOf(string username) => "pass-" + username;

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    public static partial Regex HiddenInput();

    /// <summary>Creates (or resets) a person whose password is <see cref="PasswordOf"/> the username.</summary>
    public Task<PlatformUser> PersonAsync(NewPerson person) =>
        platform.Services.GetRequiredService<People>().SetAsync(person, PasswordOf(person.Username), default);

    /// <summary>Keeps the antiforgery cookie between the form and its POST, and shows redirects instead of following them.</summary>
    public HttpClient Browser() => platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task<(HttpResponseMessage Page, string Html)> LoginPageAsync(HttpClient browser)
    {
        var response = await browser.GetAsync(
            $"/connect/authorize?client_id={WebFront.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(RedirectUri)}" +
            $"&scope={Uri.EscapeDataString("openid offline_access")}&code_challenge={Challenge}&code_challenge_method=S256&state=st4te");
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Fills in the login form and posts it; the answer is the redirect with the code, or the form again.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string username, string password)
    {
        var browser = Browser();
        var (_, html) = await LoginPageAsync(browser);
        var form = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["username"] = username;
        form["password"] = password;
        return await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
    }

    public async Task<string> CodeAsync(string username, string password)
    {
        using var response = await SubmitAsync(username, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("st4te", query["state"].ToString());
        return query["code"].ToString();
    }

    public async Task<HttpResponseMessage> ExchangeAsync(string code, string codeVerifier) =>
        await platform.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = WebFront.ClientId,
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = codeVerifier,
        }));

    /// <summary>Signs in and returns the token response (access, id and refresh tokens).</summary>
    public async Task<JsonElement> TokensAsync(string username, string password)
    {
        using var response = await ExchangeAsync(await CodeAsync(username, password), Verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>An HTTP client with the access token of a person signed in with <see cref="PasswordOf"/> their username.</summary>
    public async Task<HttpClient> ClientAsync(string username) =>
        platform.ClientWithToken((await TokensAsync(username, PasswordOf(username))).GetProperty("access_token").GetString()!);
}
