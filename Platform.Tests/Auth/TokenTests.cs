using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class TokenTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task Discovery_names_the_token_endpoint_and_the_client_credentials_grant()
    {
        var discovery = await platform.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.EndsWith("/connect/token", discovery.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
        Assert.Contains("client_credentials", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        var scopes = discovery.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.All(Roles.All, role => Assert.Contains(role, scopes));
    }

    [Fact]
    public async Task Discovery_names_the_configured_issuer_whatever_host_the_request_says()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "attacker.example";
        using var response = await platform.CreateClient().SendAsync(request);
        var discovery = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("http://127.0.0.1:5080/", discovery.GetProperty("issuer").GetString());
        Assert.Equal("http://127.0.0.1:5080/connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://127.0.0.1:5080/.well-known/jwks", discovery.GetProperty("jwks_uri").GetString());
    }

    [Fact]
    public async Task Access_tokens_are_signed_not_encrypted_and_hold_only_what_the_caller_may_see_of_itself()
    {
        var token = await platform.AccessTokenAsync(Roles.Agency, "finance");
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length); // JWS compact form: header, claims, signature (a JWE has five parts)
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        Assert.Equal(("RS256", "at+jwt"), (header.GetProperty("alg").GetString(), header.GetProperty("typ").GetString()));

        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        var me = await platform.ClientWithToken(token).GetFromJsonAsync<Caller>("/api/me");
        Assert.Equal((me!.ClientId, me.Role, me.Agency), (claims.GetProperty("sub").GetString(), claims.GetProperty("role").GetString(), claims.GetProperty("agency").GetString()));
        var secret = platform.DemoClient(Roles.Agency, "finance").ClientSecret;
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_another_issuer_with_the_same_keys_is_a_401()
    {
        await using var elsewhere = platform.Restarted().WithSetting("Tokens:Issuer", "http://elsewhere.example/");
        var token = await elsewhere.AccessTokenAsync(Roles.Analyst);

        using var refused = await platform.ClientWithToken(token).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var accepted = await elsewhere.ClientWithToken(token).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public void The_credentials_file_holds_a_demo_client_for_every_role()
    {
        var clients = platform.DemoCredentials().Clients;
        Assert.All(Roles.All, role => Assert.Contains(clients, c => c.Role == role));
        Assert.All(clients.Where(c => c.Role == Roles.Agency), c => Assert.False(string.IsNullOrEmpty(c.Agency)));
        Assert.Equal(clients.Count, clients.Select(c => c.ClientSecret).Distinct().Count());
    }

    [Fact]
    public async Task A_valid_client_gets_a_token_that_the_api_accepts()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var me = await agency.GetFromJsonAsync<Caller>("/api/me");
        Assert.Equal("demo-agency-market-regulator", me!.ClientId);
        Assert.Equal(Roles.Agency, me.Role);
        Assert.Equal("market-regulator", me.Agency);
        Assert.Equal([Roles.Agency], me.Scopes);
    }

    [Fact]
    public async Task A_wrong_secret_is_invalid_client()
    {
        using var response = await platform.RequestTokenAsync("demo-analyst", "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_client_cannot_ask_for_another_roles_scope()
    {
        var analyst = platform.DemoClient(Roles.Analyst);
        using var response = await platform.RequestTokenAsync(analyst.ClientId, analyst.ClientSecret, Roles.Admin);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains("scope", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_is_a_401_problem()
    {
        using var response = await platform.CreateClient().GetAsync("/api/agencies");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_token_is_a_401()
    {
        var client = platform.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.e30.");
        using var response = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_of_the_wrong_role_is_a_403_problem()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        using var response = await agency.PostAsJsonAsync("/api/agencies", new { id = "tobacco", name = "烟草专卖局", nameEn = "Tobacco Monopoly" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_and_the_demo_credentials_survive_a_restart()
    {
        var token = await platform.AccessTokenAsync(Roles.Leader);
        var before = platform.DemoCredentials();

        await using var restarted = platform.Restarted();
        var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, restarted.DemoCredentials(), new CredentialsComparer());
        Assert.False(string.IsNullOrEmpty(await restarted.AccessTokenAsync(Roles.Leader)));
    }

    private sealed class CredentialsComparer : IEqualityComparer<DemoCredentials>
    {
        public bool Equals(DemoCredentials? x, DemoCredentials? y) => x!.Clients.SequenceEqual(y!.Clients);
        public int GetHashCode(DemoCredentials obj) => obj.Clients.Count;
    }
}
