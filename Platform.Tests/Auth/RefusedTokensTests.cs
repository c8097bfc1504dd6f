using System.Net;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>Tokens the platform issued itself, refused once altered or expired (a wrongly scoped one: TokenTests).</summary>
public sealed class RefusedTokensTests(ClockedPlatformFactory platform) : IClassFixture<ClockedPlatformFactory>
{
    [Fact]
    public async Task A_token_with_one_character_changed_is_a_401()
    {
        var token = await platform.AccessTokenAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));

        var parts = token.Split('.');
        var ciphertext = parts[3].ToCharArray();
        var middle = ciphertext.Length / 2;
        ciphertext[middle] = ciphertext[middle] == 'A' ? 'B' : 'A';
        parts[3] = new string(ciphertext);

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
