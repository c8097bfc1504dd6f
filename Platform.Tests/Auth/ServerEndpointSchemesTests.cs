using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server.AspNetCore;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>
/// OpenIddict's server is handed a request only when it is for one of its endpoints; every other request goes past it
/// (the endpoints themselves keep working: TokenTests, SignInTests).
/// </summary>
public sealed class ServerEndpointSchemesTests
{
    [Theory]
    [InlineData("/connect/token", true)]
    [InlineData("/connect/authorize", true)]
    [InlineData("/connect/logout", true)]
    [InlineData("/.well-known/openid-configuration", true)]
    [InlineData("/.well-known/jwks", true)]
    [InlineData("/api/invoices/verify", false)]
    [InlineData("/api/me", false)]
    [InlineData("/graphql", false)]
    [InlineData("/connect", false)]
    public async Task The_server_handles_requests_for_its_own_endpoints_only(string path, bool handled)
    {
        await using var platform = new PlatformFactory();
        await ((IAsyncLifetime)platform).InitializeAsync();
        var http = platform.Services.GetRequiredService<IHttpContextAccessor>();
        var schemes = platform.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        http.HttpContext = new DefaultHttpContext { Request = { Path = path } };
        var names = (await schemes.GetRequestHandlerSchemesAsync()).Select(s => s.Name).ToList();
        http.HttpContext = null;

        Assert.Equal(handled, names.Contains(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme));
    }
}
