using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

public sealed class HealthTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task Live_answers_without_a_token()
    {
        using var response = await platform.CreateClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_answers_when_postgresql_does()
    {
        using var response = await platform.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Postgresql_down_makes_ready_fail_and_requests_get_a_503_problem_then_both_recover()
    {
        await using var cluster = await PostgresCluster.StartAsync(shared: false);
        await using var own = PlatformFactory.OnDatabase(await cluster.CreateDatabaseAsync("health"));
        await ((IAsyncLifetime)own).InitializeAsync();
        var analyst = await own.ClientForAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/health/ready")).StatusCode);

        await cluster.StopAsync();

        using var ready = await analyst.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var agencies = await analyst.GetAsync("/api/agencies");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, agencies.StatusCode);
        Assert.Equal("application/problem+json", agencies.Content.Headers.ContentType?.MediaType);
        var problem = await agencies.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("database", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", await agencies.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await cluster.StartAgainAsync();

        // Pooled connections broken by the restart are dropped on first use; allow a few tries.
        await Eventually.Until(async () => (await analyst.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "/health/ready to answer 200 once PostgreSQL is back", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/api/agencies")).StatusCode);
    }
}
