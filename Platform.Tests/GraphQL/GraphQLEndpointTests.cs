using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Api.Auth;
using Platform.Api.GraphQL;
using Platform.Tests.Support;
using Snapshooter.Xunit;

namespace Platform.Tests.GraphQL;

public sealed class GraphQLEndpointTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private async Task<HttpClient> Analyst(string? accept = null)
    {
        var client = await platform.ClientForAsync(Roles.Analyst);
        if (accept is not null)
        {
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        return client;
    }

    private static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_query_over_post_returns_data()
    {
        var client = await Analyst();
        using var response = await client.PostAsJsonAsync("/graphql", new { query = "{ me { role } agencies { id name } }" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var data = (await Body(response)).GetProperty("data");
        Assert.Equal("analyst", data.GetProperty("me").GetProperty("role").GetString());
        Assert.Contains(data.GetProperty("agencies").EnumerateArray(), a => a.GetProperty("name").GetString() == "市场监督管理局");
    }

    [Fact]
    public async Task A_query_over_get_returns_data_with_variables_and_operation_name()
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        var query = Uri.EscapeDataString("query A($id: ID!) { agency(id: $id) { nameEn } } query B { me { role } }");
        var variables = Uri.EscapeDataString("{\"id\":\"finance\"}");
        using var response = await client.GetAsync($"/graphql?query={query}&operationName=A&variables={variables}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GraphQLEndpoint.GraphQLResponseJson, response.Content.Headers.ContentType?.MediaType);
        var data = (await Body(response)).GetProperty("data");
        Assert.Equal("Finance Bureau", data.GetProperty("agency").GetProperty("nameEn").GetString());
        Assert.False(data.TryGetProperty("me", out _));
    }

    [Fact]
    public async Task A_mutation_over_get_is_405_with_allow_post()
    {
        var client = await Analyst();
        using var response = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { x }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
        Assert.Contains("POST", (await Body(response)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_operations_without_an_operation_name_is_an_error()
    {
        var client = await Analyst();
        using var response = await client.PostAsJsonAsync("/graphql", new { query = "query A { me { role } } query B { me { name } }" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Body(response);
        Assert.False(body.TryGetProperty("data", out _));
        Assert.True(body.GetProperty("errors").GetArrayLength() > 0);
    }

    [Fact]
    public async Task A_validation_error_is_400_for_graphql_response_json_and_200_for_json()
    {
        var modern = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        using var strict = await modern.PostAsJsonAsync("/graphql", new { query = "{ noSuchField }" });
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Contains("noSuchField", (await Body(strict)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        var legacy = await Analyst(GraphQLEndpoint.Json);
        using var lenient = await legacy.PostAsJsonAsync("/graphql", new { query = "{ noSuchField }" });
        Assert.Equal(HttpStatusCode.OK, lenient.StatusCode);
        Assert.True((await Body(lenient)).GetProperty("errors").GetArrayLength() > 0);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_in_the_errors_shape()
    {
        var client = await Analyst();
        using var response = await client.PostAsync("/graphql", new StringContent("{ query: nope", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Body(response)).GetProperty("errors").GetArrayLength() == 1);
    }

    [Fact]
    public async Task A_request_without_a_query_is_400()
    {
        var client = await Analyst();
        using var response = await client.PostAsJsonAsync("/graphql", new { variables = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("query", (await Body(response)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_media_type_is_415()
    {
        var client = await Analyst();
        using var response = await client.PostAsync("/graphql", new StringContent("{ me { role } }", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_unacceptable_accept_header_is_406()
    {
        var client = await Analyst("text/html");
        using var response = await client.PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task No_token_is_401()
    {
        using var response = await platform.CreateClient().PostAsJsonAsync("/graphql", new { query = "{ me { role } }" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_query_deeper_than_the_limit_is_refused()
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        var deep = "{ __schema { types { fields { type " + string.Concat(Enumerable.Repeat("{ ofType ", 14)) + "{ name }" +
                   new string('}', 14) + " } } } }";
        using var response = await client.PostAsJsonAsync("/graphql", new { query = deep });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", (await Body(response)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The text graphql-js 16 <c>getIntrospectionQuery()</c> returns; GraphiQL, Apollo and code generators send it.</summary>
    private static string IntrospectionQuery() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "GraphQL", "Fixtures", "introspection.graphql"));

    private static async Task<string> FirstErrorMessage(HttpResponseMessage response) =>
        (await Body(response)).GetProperty("errors")[0].GetProperty("message").GetString()!;

    private async Task AssertRefusedNaming(string option, string query)
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(option, await FirstErrorMessage(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_introspection_query_of_standard_clients_is_answered()
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        using var response = await client.PostAsJsonAsync("/graphql", new { query = IntrospectionQuery(), operationName = "IntrospectionQuery" });
        var body = await Body(response);
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var schema = body.GetProperty("data").GetProperty("__schema");
        Assert.Equal("Query", schema.GetProperty("queryType").GetProperty("name").GetString());
        Assert.Contains(schema.GetProperty("types").EnumerateArray(), t => t.GetProperty("name").GetString() == "TaxpayerRecord");
    }

    [Fact]
    public async Task A_query_more_complex_than_the_limit_is_refused()
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        var aliases = Enumerable.Range(0, 25).Select(i => $"t{i}: templates {{ versions {{ fields {{ name title titleEn type format required description }} }} }}");
        using var response = await client.PostAsJsonAsync("/graphql", new { query = "{ " + string.Join(" ", aliases) + " }" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("complexity", await FirstErrorMessage(response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_introspection_query_nested_a_hundred_deep_is_refused_for_its_depth()
    {
        var client = await Analyst(GraphQLEndpoint.GraphQLResponseJson);
        var deep = "{ __schema { types { " + string.Concat(Enumerable.Repeat("ofType { ", 100)) + "name" + new string('}', 100) + " } } }";
        using var response = await client.PostAsJsonAsync("/graphql", new { query = deep });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", await FirstErrorMessage(response), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public Task A_query_repeating_a_directive_twenty_thousand_times_is_refused_naming_the_size_limit() =>
        AssertRefusedNaming("GraphQL:MaxQueryBytes", "{ me " + string.Concat(Enumerable.Repeat("@include(if:true)", 20_000)) + " { role } }");

    [Fact]
    public Task A_short_query_with_too_many_tokens_is_refused_naming_the_token_limit() =>
        AssertRefusedNaming("GraphQL:MaxTokens", "{ me { " + string.Concat(Enumerable.Repeat("role ", 12_000)) + "} }");

    [Fact]
    public Task A_field_with_too_many_directives_is_refused_naming_the_directive_limit() =>
        AssertRefusedNaming("GraphQL:MaxDirectivesPerLocation", "{ me " + string.Concat(Enumerable.Repeat("@include(if:true)", 50)) + " { role } }");

    [Fact]
    public Task Fields_of_one_name_merging_past_the_limit_are_refused_naming_the_selection_set_limit() =>
        AssertRefusedNaming("GraphQL:MaxFieldsPerSelectionSet", "{ " + string.Concat(Enumerable.Repeat("me { " + string.Concat(Enumerable.Repeat("role ", 95)) + "} ", 20)) + "}");

    [Fact]
    public async Task A_query_past_the_execution_timeout_gets_a_timeout_error()
    {
        await using var impatient = new PlatformFactory().WithSetting("GraphQL:Timeout", "00:00:00.0000001");
        await ((IAsyncLifetime)impatient).InitializeAsync();
        var client = await impatient.ClientForAsync(Roles.Analyst);
        // Fields read from the database, so the execution awaits after the timer has started (an in-memory field can
        // finish before a loaded machine's timer callback runs).
        var query = "{ " + string.Join(" ", Enumerable.Range(1, 10).Select(i => $"t{i}: templates {{ id }}")) + " }";
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        var body = await Body(response);
        Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object);
        Assert.Contains("time", body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        // The same query within the usual timeout answers: only the timeout refused it.
        using var patient = await (await Analyst()).PostAsJsonAsync("/graphql", new { query });
        Assert.Equal(JsonValueKind.Array, (await Body(patient)).GetProperty("data").GetProperty("t10").ValueKind);
    }

    [Fact]
    public async Task A_repeated_query_is_served_from_the_document_cache_with_the_same_result()
    {
        var client = await Analyst();
        var first = await (await client.PostAsJsonAsync("/graphql", new { query = "{ agencies { id } }" })).Content.ReadAsStringAsync();
        var second = await (await client.PostAsJsonAsync("/graphql", new { query = "{ agencies { id } }" })).Content.ReadAsStringAsync();
        Assert.Equal(first, second);
        Assert.Contains("market-regulator", second, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_matches_its_snapshot()
    {
        var schema = (PlatformSchema)platform.Services.GetService(typeof(PlatformSchema))!;
        schema.Initialize();
        Snapshot.Match(global::GraphQL.SchemaExtensions.Print(schema));
    }
}
