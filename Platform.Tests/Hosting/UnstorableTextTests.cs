using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Ingest;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

/// <summary>
/// A NUL character, which PostgreSQL does not store, in a filter or an argument is the caller's to remove: REST answers
/// 400 and GraphQL <c>INVALID</c>, each saying so, where they answered 500 and codes naming the platform's parts.
/// </summary>
public sealed class UnstorableTextTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Theory]
    [InlineData(Roles.Admin, "/api/audit?actor=%00")]
    [InlineData(Roles.Admin, "/api/audit?subject=a%00b")]
    [InlineData(Roles.Analyst, "/api/submissions?template=%00")]
    public async Task A_nul_in_a_rest_filter_is_400_saying_to_remove_it(string role, string path)
    {
        using var response = await (await platform.ClientForAsync(role)).GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A value cannot be stored", problem.GetProperty("title").GetString());
        Assert.Equal(DatabaseFaults.UnstorableTextAdvice, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{ leads(rule: \"\\u0000\") { totalCount } }")]
    [InlineData("{ ruleRuns(rule: \"a\\u0000\") { id } }")]
    public async Task A_nul_in_a_graphql_argument_is_invalid_saying_to_remove_it(string query)
    {
        using var response = await (await platform.ClientForAsync(Roles.Analyst)).PostAsJsonAsync("/graphql", new { query });

        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal("INVALID", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(DatabaseFaults.UnstorableTextAdvice, error.GetProperty("message").GetString());
    }
}
