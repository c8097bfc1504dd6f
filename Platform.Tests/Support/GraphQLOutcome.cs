using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Tests.Support;

/// <summary>What a GraphQL query's first error says, in the words of the access matrix tests.</summary>
public static class GraphQLOutcome
{
    /// <summary>"allowed" (no error), "refused" (FORBIDDEN), "hidden" (NOT_FOUND), or the errors themselves.</summary>
    public static async Task<string> OfAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return !body.TryGetProperty("errors", out var errors) ? "allowed"
            : errors[0].GetProperty("extensions").GetProperty("code").GetString() switch
            {
                "FORBIDDEN" => "refused",
                "NOT_FOUND" => "hidden",
                _ => errors.ToString(),
            };
    }
}
