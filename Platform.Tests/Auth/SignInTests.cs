using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>A person signs in as the web front does: authorization code with PKCE on the platform's login page, over real HTTP.</summary>
public sealed class SignInTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private readonly WebFrontSignIn signIn = new(platform);

    private async Task<PlatformUser> PersonAsync(string username, string role, string? agency = null) =>
        await signIn.PersonAsync(new NewPerson(username, role, agency, role == Roles.Agency ? null : "nanchong-bureau", role == Roles.Agency ? null : "5113"));

    private Task<HttpResponseMessage> SubmitAsync(string username, string password) => signIn.SubmitAsync(username, password);

    private Task<string> CodeAsync(string username) => signIn.CodeAsync(username, WebFrontSignIn.PasswordOf(username));

    private Task<JsonElement> SignInAsync(string username) => signIn.TokensAsync(username, WebFrontSignIn.PasswordOf(username));

    [Fact]
    public async Task Discovery_names_the_login_and_sign_out_endpoints_under_the_issuer_and_pkce()
    {
        var discovery = await platform.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal("http://127.0.0.1:5080/connect/authorize", discovery.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://127.0.0.1:5080/connect/logout", discovery.GetProperty("end_session_endpoint").GetString());
        var grants = discovery.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_authorization_endpoint_shows_a_login_form_with_an_antiforgery_token()
    {
        var (page, html) = await signIn.LoginPageAsync(signIn.Browser());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("name=\"password\" type=\"password\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
        Assert.Contains(signIn.Challenge, html, StringComparison.Ordinal);
        Assert.Contains("form-action 'self' http://127.0.0.1:5080", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_signs_in_and_the_access_token_carries_their_id_role_and_agency()
    {
        var clerk = await PersonAsync("clerk.signin", Roles.Agency, "market-regulator");
        var tokens = await SignInAsync("clerk.signin");
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
        Assert.True(tokens.TryGetProperty("id_token", out _));

        var me = await platform.ClientWithToken(tokens.GetProperty("access_token").GetString()!).GetFromJsonAsync<Caller>("/api/me");
        Assert.Equal(clerk.Id.ToString(), me!.ClientId);
        Assert.Equal("clerk.signin", me.Name);
        Assert.Equal(Roles.Agency, me.Role);
        Assert.Equal("market-regulator", me.Agency);
        Assert.Contains(Roles.Agency, me.Scopes);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_counts_toward_lockout()
    {
        await PersonAsync("wrong.signin", Roles.Analyst);
        using var refused = await SubmitAsync("wrong.signin", "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Wrong username or password", page, StringComparison.Ordinal);
        Assert.Contains("用户名或密码错误", page, StringComparison.Ordinal); // the page speaks the clerks' language first
        Assert.Equal(1, (await platform.Services.GetRequiredService<People>().FindAsync("wrong.signin", default))!.FailedAttempts);

        for (var attempt = 2; attempt <= 5; attempt++)
        {
            using var again = await SubmitAsync("wrong.signin", "not-the-password");
        }
        using var locked = await SubmitAsync("wrong.signin", "pass-wrong.signin");
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        await PersonAsync("csrf.signin", Roles.Analyst);
        var browser = signIn.Browser();
        var (_, html) = await signIn.LoginPageAsync(browser);
        var form = WebFrontSignIn.HiddenInput().Matches(html).Where(m => m.Groups[1].Value != "__RequestVerificationToken")
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        form["username"] = "csrf.signin";
        form["password"] = "pass-csrf.signin";
        using var response = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_code_exchanged_without_the_right_verifier_is_refused()
    {
        await PersonAsync("pkce.signin", Roles.Analyst);
        using var response = await signIn.ExchangeAsync(await CodeAsync("pkce.signin"), WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token()
    {
        await PersonAsync("refresh.signin", Roles.Leader);
        var tokens = await SignInAsync("refresh.signin");
        using var response = await platform.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = WebFront.ClientId,
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refreshed = await response.Content.ReadFromJsonAsync<JsonElement>();
        var me = await platform.ClientWithToken(refreshed.GetProperty("access_token").GetString()!).GetFromJsonAsync<Caller>("/api/me");
        Assert.Equal(Roles.Leader, me!.Role);
    }

    [Fact]
    public async Task Signing_out_revokes_the_sign_ins_tokens()
    {
        await PersonAsync("logout.signin", Roles.Officer);
        var tokens = await SignInAsync("logout.signin");
        var api = platform.ClientWithToken(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/me")).StatusCode);

        using var signedOut = await signIn.Browser().GetAsync(
            $"/connect/logout?id_token_hint={tokens.GetProperty("id_token").GetString()}&post_logout_redirect_uri={Uri.EscapeDataString("http://127.0.0.1:5080/")}");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_analyst_reads_a_taxpayer_file_and_a_leader_is_refused()
    {
        await PersonAsync("analyst.signin", Roles.Analyst);
        await PersonAsync("leader.signin", Roles.Leader);
        var analyst = platform.ClientWithToken((await SignInAsync("analyst.signin")).GetProperty("access_token").GetString()!);
        var leader = platform.ClientWithToken((await SignInAsync("leader.signin")).GetProperty("access_token").GetString()!);

        var shunqing = Files.Uscc(1, "511302");
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/taxpayers/{shunqing}/records")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync($"/api/taxpayers/{shunqing}/records")).StatusCode);
    }
}
