using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Platform.Api.Hosting;

/// <summary>
/// Behind a reverse proxy the connection's address is the proxy's. Off by default: only when <c>Hosting:KnownProxies</c>
/// lists the proxies' IP addresses does a request from one of them take the client's address and scheme from the last
/// entry of its <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, which the audit and the rate limits then see.
/// From any other address the headers are ignored, so a client cannot name an address of its choosing.
/// </summary>
public static class KnownProxies
{
    public const string Section = "Hosting:KnownProxies";

    public static WebApplicationBuilder AddKnownProxies(this WebApplicationBuilder builder)
    {
        var proxies = (builder.Configuration.GetSection(Section).Get<string[]>() ?? []).Select(Parse).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET trusts loopback by default; only the proxies configured are trusted here.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
        });
        return builder;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address; nothing when no proxy is configured.</summary>
    public static WebApplication UseKnownProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    private static IPAddress Parse(string proxy) => IPAddress.TryParse(proxy, out var address)
        ? address
        : throw new InvalidOperationException($"{Section}: '{proxy}' is not an IP address; list each proxy's address, such as 10.0.0.5.");
}
