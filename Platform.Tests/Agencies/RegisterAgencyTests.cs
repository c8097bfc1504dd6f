using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Agencies;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Agencies;

public sealed class RegisterAgencyTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task Demo_agencies_are_listed()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var agencies = await analyst.GetFromJsonAsync<List<Agency>>("/api/agencies");
        Assert.Contains(agencies!, a => a is { Id: "market-regulator", Name: "市场监督管理局" });
    }

    [Fact]
    public async Task An_administrator_registers_an_agency_that_is_then_listed()
    {
        var admin = await platform.ClientForAsync(Roles.Admin);
        using var created = await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("tobacco", "烟草专卖局", "Tobacco Monopoly Bureau"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/agencies/tobacco", created.Headers.Location?.OriginalString);

        var agencies = await admin.GetFromJsonAsync<List<Agency>>("/api/agencies");
        Assert.Contains(new Agency("tobacco", "烟草专卖局", "Tobacco Monopoly Bureau"), agencies!);
    }

    [Fact]
    public async Task An_administrator_issues_credentials_to_a_new_agency_and_revoking_them_refuses_its_token_at_once()
    {
        var admin = await platform.ClientForAsync(Roles.Admin);
        using (var registered = await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("statistics", "统计局", "Statistics Bureau")))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        using var issued = await admin.PostAsync("/api/agencies/statistics/clients", null);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var credentials = (await issued.Content.ReadFromJsonAsync<AgencyClient>())!;
        Assert.StartsWith("statistics-", credentials.ClientId, StringComparison.Ordinal);

        using var token = await platform.RequestTokenAsync(credentials.ClientId, credentials.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var agencyClient = platform.CreateClient();
        agencyClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        var me = await agencyClient.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(("agency", "statistics"), (me.GetProperty("role").GetString(), me.GetProperty("agency").GetString()));

        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(HttpStatusCode.Forbidden, (await regulator.PostAsync("/api/agencies/statistics/clients", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/agencies/no-such-agency/clients", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/agencies/finance/clients/{credentials.ClientId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/agencies/statistics/clients/{credentials.ClientId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await agencyClient.GetAsync("/api/me")).StatusCode);
        using var refused = await platform.RequestTokenAsync(credentials.ClientId, credentials.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_client", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_an_existing_id_is_a_409_problem()
    {
        var admin = await platform.ClientForAsync(Roles.Admin);
        using var response = await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("finance", "财政局", "Finance Bureau"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("finance", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_id_and_a_missing_name_are_a_validation_problem_saying_what_to_fix()
    {
        var admin = await platform.ClientForAsync(Roles.Admin);
        using var response = await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("Bad Id!", "", "Somebody"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("lower-case", errors.GetProperty("Id")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("Name", out _));
        Assert.False(errors.TryGetProperty("NameEn", out _));
    }
}
