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

/// <summary>A person's access token, got as the web front gets it (login page, code with PKCE): people carry office and jurisdiction claims, clients do not.</summary>
public static partial class PersonTokens
{
    private const string RedirectUri = "http://127.0.0.1:5080/signed-in";

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    public static async Task<HttpClient> ClientForPersonAsync(this PlatformFactory platform, NewPerson person)
    {
        var password = "pass-" + person.Username;
        await platform.Services.GetRequiredService<People>().SetAsync(person, password, default);
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var browser = platform.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var html = await browser.GetStringAsync(
            $"/connect/authorize?client_id={WebFront.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(RedirectUri)}" +
            $"&scope=openid&code_challenge={challenge}&code_challenge_method=S256&state=s");
        var form = HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["username"] = person.Username;
        form["password"] = password;
        using var signedIn = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        var code = QueryHelpers.ParseQuery(signedIn.Headers.Location!.Query)["code"].ToString();
        using var token = await platform.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = WebFront.ClientId, ["code"] = code, ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }));
        token.EnsureSuccessStatusCode();
        return platform.ClientWithToken((await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!);
    }
}
