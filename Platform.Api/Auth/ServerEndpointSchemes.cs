using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Platform.Api.Auth;

/// <summary>
/// The authentication schemes, with OpenIddict's server asked to handle a request only when it is for one of the
/// server's own endpoints (token, authorization, end session, discovery, keys). ASP.NET Core's authentication middleware
/// hands every request to every scheme that can handle requests, and OpenIddict's server then runs its request pipeline
/// and matches the request's address against each endpoint: about a seventh of a signed-in invoice lookup's CPU, for
/// requests it never handles (bench/RESULTS.md, invoices).
/// </summary>
public sealed class ServerEndpointSchemes(IOptions<AuthenticationOptions> options, IHttpContextAccessor http,
    IOptionsMonitor<OpenIddictServerOptions> server) : AuthenticationSchemeProvider(options)
{
    private readonly Lazy<PathString[]> endpoints = new(() => EndpointPaths(server.CurrentValue));
    private Filtered cached = new([], []);

    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        var all = await base.GetRequestHandlerSchemesAsync();
        if (http.HttpContext is not { } context || IsEndpoint(context.Request.Path))
        {
            return all;
        }
        var known = cached;
        if (!ReferenceEquals(known.All, all))
        {
            known = new(all, [.. all.Where(s => s.Name != OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)]);
            cached = known;
        }
        return known.Others;
    }

    /// <summary>The base provider's request handlers (the same list until schemes change) and the same without the server.</summary>
    private sealed record Filtered(IEnumerable<AuthenticationScheme> All, AuthenticationScheme[] Others);

    /// <summary>Whether the path is one of the server's endpoints (a loop, not a lambda: this runs for every request).</summary>
    private bool IsEndpoint(PathString path)
    {
        foreach (var endpoint in endpoints.Value)
        {
            if (path.StartsWithSegments(endpoint))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The paths of every endpoint the server has, relative ones taken from the site's root.</summary>
    public static PathString[] EndpointPaths(OpenIddictServerOptions options) =>
    [
        .. new[]
            {
                options.AuthorizationEndpointUris, options.ConfigurationEndpointUris, options.DeviceAuthorizationEndpointUris,
                options.EndSessionEndpointUris, options.EndUserVerificationEndpointUris, options.IntrospectionEndpointUris,
                options.JsonWebKeySetEndpointUris, options.PushedAuthorizationEndpointUris, options.RevocationEndpointUris,
                options.TokenEndpointUris, options.UserInfoEndpointUris,
            }
            .SelectMany(uris => uris)
            .Select(uri => new PathString("/" + (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString).TrimStart('/'))),
    ];
}
