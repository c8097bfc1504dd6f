using System.Net;
using System.Net.Http.Json;
using Platform.Api.Agencies;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>
/// Two hosts on one database: each remembers a token's stored status for <c>Tokens:StatusCacheFor</c> (30 s), so a
/// token revoked through one host is refused there at once and by the other once the bound has passed. The clocks are
/// moved, nothing waits.
/// </summary>
public sealed class RevocationAcrossHostsTests
{
    private static readonly TimeSpan Bound = new TokenOptions().StatusCacheFor;

    [Fact]
    public async Task A_client_revoked_through_one_host_is_refused_by_the_other_once_the_bound_has_passed()
    {
        await using var first = await StartedAsync(new ClockedPlatformFactory());
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        var before = TimeProvider.System.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        var read = TimeProvider.System.GetUtcNow();

        Assert.Equal(HttpStatusCode.NoContent, (await (await first.ClientForAsync(Roles.Admin)).DeleteAsync($"/api/agencies/finance/clients/{clientId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(first, token));
        // Within the bound the second host answers from what it read before the revocation, not from the database.
        second.Clock.MoveTo(before + (Bound / 2));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        second.Clock.MoveTo(read + Bound);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(second, token));
    }

    [Fact]
    public async Task A_person_locked_through_one_host_is_refused_by_the_other_once_the_bound_has_passed()
    {
        await using var first = await StartedAsync(new ClockedPlatformFactory());
        await using var second = first.SecondHost();
        var signIn = new WebFrontSignIn(first);
        await signIn.PersonAsync(new NewPerson("two.hosts", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var token = (await signIn.TokensAsync("two.hosts", WebFrontSignIn.PasswordOf("two.hosts"))).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        var read = TimeProvider.System.GetUtcNow();

        Assert.Equal(HttpStatusCode.NoContent, (await (await first.ClientForAsync(Roles.Admin)).PostAsync("/api/people/two.hosts/lock", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(first, token));
        second.Clock.MoveTo(read + Bound);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(second, token));
    }

    [Fact]
    public async Task With_a_bound_of_zero_the_other_host_refuses_a_revoked_token_at_once()
    {
        await using var first = await StartedAsync((ClockedPlatformFactory)new ClockedPlatformFactory().WithSetting("Tokens:StatusCacheFor", "00:00:00"));
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));

        Assert.Equal(HttpStatusCode.NoContent, (await (await first.ClientForAsync(Roles.Admin)).DeleteAsync($"/api/agencies/finance/clients/{clientId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(second, token));
    }

    private static async Task<ClockedPlatformFactory> StartedAsync(ClockedPlatformFactory platform)
    {
        await ((IAsyncLifetime)platform).InitializeAsync();
        return platform;
    }

    /// <summary>New credentials for the finance bureau's system, issued by an administrator, and a token of theirs.</summary>
    private static async Task<(string ClientId, string Token)> NewFinanceClientAsync(PlatformFactory platform)
    {
        using var issued = await (await platform.ClientForAsync(Roles.Admin)).PostAsync("/api/agencies/finance/clients", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var credentials = (await issued.Content.ReadFromJsonAsync<AgencyClient>())!;
        using var token = await platform.RequestTokenAsync(credentials.ClientId, credentials.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        return (credentials.ClientId, (await token.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("access_token").GetString()!);
    }

    private static async Task<HttpStatusCode> MeAsync(PlatformFactory host, string token)
    {
        using var response = await host.ClientWithToken(token).GetAsync("/api/me");
        return response.StatusCode;
    }
}
