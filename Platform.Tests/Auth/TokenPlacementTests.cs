using System.Net;
using Platform.Api.Auth;
using Platform.Api.GraphQL;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>
/// An access token is read from the <c>Authorization</c> header only: one in a URL or a form body would be written into
/// access logs, proxies and browser history, and would pass by the host's cache of validated tokens (ValidatedTokens).
/// </summary>
public sealed class TokenPlacementTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task A_valid_token_in_the_authorization_header_is_accepted()
    {
        var token = await platform.AccessTokenAsync(Roles.Analyst);

        using var response = await platform.ClientWithToken(token).GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_valid_token_in_the_query_string_is_a_401()
    {
        var token = await platform.AccessTokenAsync(Roles.Analyst);

        using var response = await platform.CreateClient().GetAsync("/api/me?access_token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_valid_token_in_a_form_body_is_a_401()
    {
        var token = await platform.AccessTokenAsync(Roles.Analyst);

        using var inForm = await platform.CreateClient().PostAsync(GraphQLEndpoint.Path, Form(token));
        // The same POST with the token in the header reaches the endpoint, which answers that a form is not GraphQL.
        using var inHeader = await platform.ClientWithToken(token).PostAsync(GraphQLEndpoint.Path, Form(token));

        Assert.Equal(HttpStatusCode.Unauthorized, inForm.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, inHeader.StatusCode);
    }

    private static FormUrlEncodedContent Form(string token) =>
        new([new("access_token", token), new("query", "{ __typename }")]);
}
