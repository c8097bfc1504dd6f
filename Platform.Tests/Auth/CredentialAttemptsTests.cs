using System.Net;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class CredentialAttemptsTests : IAsyncLifetime
{
    private readonly PlatformFactory platform = new PlatformFactory().WithSetting("Tokens:CredentialAttemptsPerMinute", "3");

    public Task InitializeAsync() => ((IAsyncLifetime)platform).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)platform).DisposeAsync();

    [Fact]
    public async Task Token_requests_over_the_limit_are_a_429_problem_with_retry_after()
    {
        var analyst = platform.DemoClient(Roles.Analyst);
        using (var good = await platform.RequestTokenAsync(analyst.ClientId, analyst.ClientSecret))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await platform.RequestTokenAsync(analyst.ClientId, "guess");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var over = await platform.RequestTokenAsync(analyst.ClientId, analyst.ClientSecret);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.InRange(over.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType?.MediaType);
    }
}
