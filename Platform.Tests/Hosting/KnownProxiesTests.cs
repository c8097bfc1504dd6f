using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

/// <summary>
/// The address the audit records: the connection's, unless it is a proxy listed in <c>Hosting:KnownProxies</c>, whose
/// <c>X-Forwarded-For</c> then names the client. Requests are sent with the connection's address set, as Kestrel sets it.
/// </summary>
public sealed class KnownProxiesTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Proxy = "10.0.0.5", Client = "203.0.113.7";

    /// <summary>Reads a taxpayer file (an audited read) from <paramref name="peer"/> and returns the address the audit recorded.</summary>
    private async Task<string?> AuditedAddressAsync(PlatformFactory host, string peer, string forwardedFor)
    {
        var subject = "proxy-" + Guid.NewGuid().ToString("N");
        var token = await platform.AccessTokenAsync(Roles.Analyst);
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = $"/api/taxpayers/{subject}/records";
            c.Request.Headers.Authorization = "Bearer " + token;
            c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        });
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var entry = Assert.Single(await platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, subject, null, null, 10, default));
        return entry.Address;
    }

    [Fact]
    public async Task Without_known_proxies_a_forwarded_address_is_ignored()
    {
        Assert.Equal("127.0.0.1", await AuditedAddressAsync(platform, "127.0.0.1", Client));
        Assert.Equal(Proxy, await AuditedAddressAsync(platform, Proxy, Client));
    }

    [Fact]
    public async Task A_known_proxy_names_the_client_and_any_other_peer_does_not()
    {
        await using var behindProxy = platform.Restarted().WithSetting("Hosting:KnownProxies:0", Proxy);

        Assert.Equal(Client, await AuditedAddressAsync(behindProxy, Proxy, Client));
        // The proxy appends the address it saw; what the client wrote before it is not believed.
        Assert.Equal(Client, await AuditedAddressAsync(behindProxy, Proxy, $"198.51.100.9, {Client}"));
        Assert.Equal("10.0.0.6", await AuditedAddressAsync(behindProxy, "10.0.0.6", Client));
        Assert.Equal("127.0.0.1", await AuditedAddressAsync(behindProxy, "127.0.0.1", Client)); // ASP.NET would trust loopback by default
    }
}
