using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Agencies;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>
/// Two hosts on one database: each remembers a token's stored status for <c>Tokens:StatusCacheFor</c> (30 s). A token
/// revoked through one host is refused there at once and by the other as soon as the revocation's notification reaches
/// it (<see cref="TokenRevocations"/>); without it (a host not listening), once the bound has passed: there the clocks
/// are moved, nothing waits.
/// </summary>
public sealed class RevocationAcrossHostsTests
{
    private static readonly TimeSpan Bound = new TokenOptions().StatusCacheFor;

    private static ClockedPlatformFactory Listening() =>
        (ClockedPlatformFactory)new ClockedPlatformFactory().WithSetting("Tokens:StatusCacheFor", "01:00:00");

    private static ClockedPlatformFactory NotListening() =>
        (ClockedPlatformFactory)new ClockedPlatformFactory().WithSetting("Tokens:ListenForRevocations", "false");

    [Fact]
    public async Task A_client_revoked_through_one_host_is_refused_by_the_other_as_soon_as_it_is_told()
    {
        // A bound of an hour: within the test only the notification can make the second host read the entry again.
        await using var first = await StartedAsync(Listening());
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        // Listening first: starting to listen forgets every status, which would otherwise explain the refusal below.
        await ListeningAsync(second);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token)); // the status read, to be kept for the bound

        await RevokeAsync(first, clientId);

        await RefusedOnceToldAsync(second, token);
    }

    [Fact]
    public async Task A_host_whose_listening_connection_was_cut_listens_again_and_is_told()
    {
        await using var first = await StartedAsync((ClockedPlatformFactory)Listening().WithSetting("Tokens:ListenRetry", "00:00:00.2"));
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        await ListeningAsync(second);
        await using var data = Npgsql.NpgsqlDataSource.Create(first.ConnectionString);
        async Task<List<int>> ListenersAsync()
        {
            await using var command = data.CreateCommand("select pid from pg_stat_activity where application_name = $1 and datname = current_database()");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = TokenRevocationListener.ApplicationName });
            var pids = new List<int>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
            return pids;
        }
        var cut = await ListenersAsync();
        Assert.Equal(2, cut.Count); // one a host

        await using (var terminate = data.CreateCommand("select pg_terminate_backend(pid) from unnest($1::int[]) as pid"))
        {
            terminate.Parameters.Add(new Npgsql.NpgsqlParameter { Value = cut.ToArray() });
            await terminate.ExecuteNonQueryAsync();
        }
        await Eventually.Until(async () => (await ListenersAsync()) is { Count: 2 } now && !now.Intersect(cut).Any(), "both hosts listening again on new connections");
        await ListeningAsync(second);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));

        await RevokeAsync(first, clientId);

        await RefusedOnceToldAsync(second, token);
    }

    [Fact]
    public async Task A_client_revoked_through_one_host_is_refused_by_a_host_not_listening_once_the_bound_has_passed()
    {
        await using var first = await StartedAsync(NotListening());
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        var before = TimeProvider.System.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        var read = TimeProvider.System.GetUtcNow();

        await RevokeAsync(first, clientId);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(first, token));
        // Within the bound the second host answers from what it read before the revocation, not from the database.
        second.Clock.MoveTo(before + (Bound / 2));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));
        second.Clock.MoveTo(read + Bound);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(second, token));
    }

    [Fact]
    public async Task A_person_locked_through_one_host_is_refused_by_a_host_not_listening_once_the_bound_has_passed()
    {
        await using var first = await StartedAsync(NotListening());
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
        await using var first = await StartedAsync((ClockedPlatformFactory)NotListening().WithSetting("Tokens:StatusCacheFor", "00:00:00"));
        await using var second = first.SecondHost();
        var (clientId, token) = await NewFinanceClientAsync(first);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(second, token));

        await RevokeAsync(first, clientId);

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

    private static Task ListeningAsync(ClockedPlatformFactory host) =>
        Eventually.Until(() => Task.FromResult(host.Services.GetRequiredService<TokenRevocationListener>().Listening), "the host listening for revocations");

    /// <summary>Deletes the finance bureau's client <paramref name="clientId"/> through <paramref name="host"/>: its tokens revoked.</summary>
    private static async Task RevokeAsync(PlatformFactory host, string clientId) =>
        Assert.Equal(HttpStatusCode.NoContent, (await (await host.ClientForAsync(Roles.Admin)).DeleteAsync($"/api/agencies/finance/clients/{clientId}")).StatusCode);

    /// <summary>Waits (the clocks standing still, well within the bound) until <paramref name="host"/> refuses the revoked token.</summary>
    private static Task RefusedOnceToldAsync(PlatformFactory host, string token) =>
        Eventually.Until(async () => await MeAsync(host, token) == HttpStatusCode.Unauthorized, "the other host refusing the revoked token", TimeSpan.FromSeconds(10));

    private static async Task<HttpStatusCode> MeAsync(PlatformFactory host, string token)
    {
        using var response = await host.ClientWithToken(token).GetAsync("/api/me");
        return response.StatusCode;
    }
}
