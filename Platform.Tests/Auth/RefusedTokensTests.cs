using System.Buffers.Text;
using System.Net;
using System.Text;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>Tokens the platform issued itself, refused once altered or expired (a wrongly scoped one: TokenTests).</summary>
public sealed class RefusedTokensTests(ClockedPlatformFactory platform) : IClassFixture<ClockedPlatformFactory>
{
    [Fact]
    public async Task A_token_with_one_character_of_its_signature_changed_is_a_401()
    {
        var token = await platform.AccessTokenAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));

        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        var middle = signature.Length / 2;
        signature[middle] = signature[middle] == 'A' ? 'B' : 'A';
        parts[2] = new string(signature);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(string.Join('.', parts)));
    }

    [Fact]
    public async Task A_token_whose_claims_were_rewritten_to_another_role_is_a_401()
    {
        var token = await platform.AccessTokenAsync(Roles.Leader);
        var parts = token.Split('.');
        var claims = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        Assert.Contains("\"leader\"", claims, StringComparison.Ordinal);

        parts[1] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.Replace("\"leader\"", "\"admin\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(string.Join('.', parts)));
    }

    [Fact]
    public async Task An_expired_token_is_a_401()
    {
        var now = TimeProvider.System.GetUtcNow();
        platform.Clock.MoveTo(now.AddHours(-2)); // the default lifetime is an hour
        var token = await platform.AccessTokenAsync(Roles.Leader);
        platform.Clock.MoveTo(now);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(token));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await platform.AccessTokenAsync(Roles.Leader)));
    }

    [Fact]
    public async Task An_agency_token_on_an_analyst_query_is_a_403()
    {
        var agency = await platform.ClientForAsync(Roles.Agency, "finance");
        using var response = await agency.GetAsync("/api/taxpayers/91350100M000100Y43/records");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<HttpStatusCode> MeAsync(string token)
    {
        using var response = await platform.ClientWithToken(token).GetAsync("/api/me");
        return response.StatusCode;
    }
}
