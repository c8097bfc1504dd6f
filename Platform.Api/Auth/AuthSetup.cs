using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Server;
using Platform.Api.Hosting;
using Platform.Api.Store;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>
/// OpenIddict as the platform's authorization server (discovery, <c>/connect/token</c>) and as the validator of
/// its own tokens. Every endpoint needs a token unless it says <c>AllowAnonymous</c>.
/// </summary>
public static class AuthSetup
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        var platform = PlatformOptions.From(builder.Configuration);
        var tokens = TokenOptions.From(builder.Configuration);
        var connectionString = PlatformStore.ConnectionString(builder.Configuration);

        builder.Services.AddDbContext<AuthDbContext>(options => AuthDbContext.Configure(options, connectionString));

        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<AuthDbContext>())
            .AddServer(options =>
            {
                options.SetIssuer(tokens.Issuer);
                options.SetTokenEndpointUris("connect/token");
                options.SetAuthorizationEndpointUris("connect/authorize");
                options.SetEndSessionEndpointUris("connect/logout");
                // OpenIddict resolves relative endpoints against the request's Host header; discovery names the issuer's.
                options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        context.TokenEndpoint = tokens.Endpoint(context.Options.TokenEndpointUris[0]);
                        context.JsonWebKeySetEndpoint = tokens.Endpoint(context.Options.JsonWebKeySetEndpointUris[0]);
                        context.AuthorizationEndpoint = tokens.Endpoint(context.Options.AuthorizationEndpointUris[0]);
                        context.EndSessionEndpoint = tokens.Endpoint(context.Options.EndSessionEndpointUris[0]);
                        return ValueTask.CompletedTask;
                    })
                    .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order - 1));
                options.AllowClientCredentialsFlow();
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                // A plain challenge is the verifier itself, readable wherever the authorization request is: S256 only.
                options.Configure(server => server.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                options.AllowRefreshTokenFlow();
                options.RegisterScopes([.. Roles.All, Scopes.OfflineAccess]);
                if (tokens.SigningCertificates.Count == 0)
                {
                    options.AddSigningKey(SigningKeys.LoadOrCreate(platform.DataPath("keys", "signing.pem")));
                }
                foreach (var path in tokens.SigningCertificates)
                {
                    options.AddSigningCertificate(SigningKeys.LoadCertificate(path, tokens.SigningCertificatePassword));
                }
                // Encrypts what only the platform reads back (authorization codes, refresh tokens). Access tokens are
                // signed, not encrypted: this host is their only audience, their claims are the caller's own (GET /api/me
                // answers them), and an RSA decryption per request cost more CPU than the whole of a request now takes (README).
                options.AddEncryptionKey(SigningKeys.LoadOrCreate(platform.DataPath("keys", "encryption.pem")));
                options.DisableAccessTokenEncryption();
                options.SetAccessTokenLifetime(tokens.AccessTokenLifetime);
                var aspNetCore = options.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (platform.AllowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                // Each token is checked against its stored entry, so revoking a client (which deletes its tokens) or a
                // person's sign-ins refuses their tokens rather than letting them run to expiry: at once on the host that
                // revoked, within Tokens:StatusCacheFor on the others (ValidateTokenStatus, TokenStatusCache).
                options.AddEventHandler(ValidateTokenStatus.Descriptor);
                // The Authorization header only: a token in a URL or a form body is written into access logs, proxies and
                // browser history, and passes by the cache of validated tokens (BearerScheme reads the header).
                options.UseAspNetCore()
                    .DisableAccessTokenExtractionFromQueryString()
                    .DisableAccessTokenExtractionFromBodyForm();
            });

        // OpenIddict's validation behind a scheme that recalls tokens this host validated recently (BearerScheme).
        BearerScheme.Add(builder.Services.AddAuthentication(BearerScheme.Name));
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, ServerEndpointSchemes>());
        builder.Services.AddSingleton<ValidatedTokens>();
        builder.Services.AddAuthorization(options =>
        {
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var role in Roles.All)
            {
                options.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasAnyRole(role)));
            }
        });
        builder.Services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section);
        builder.Services.AddHostedService<TokenPruning>();
        builder.Services.AddSingleton<TokenStatusCache>();
        builder.Services.AddSingleton<TokenRevocations>();
        builder.Services.AddSingleton<TokenRevocationListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TokenRevocationListener>());
        builder.Services.AddAntiforgery();
        builder.Services.AddCredentialAttemptsLimit(tokens);
        builder.Services.AddScoped<DemoClients>();
        builder.Services.ConfigureMarten(People.Register);
        builder.Services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.Section);
        builder.Services.AddSingleton<People>();
        builder.Services.AddSingleton<DemoPeople>();
        return builder;
    }

    public static WebApplication UseAuth(this WebApplication app)
    {
        // Ahead of authentication: OpenIddict checks a client's secret there, before the endpoint runs.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapAuth(this WebApplication app)
    {
        app.MapIssueToken();
        app.MapSignInPage();
        app.MapSignOut();
        app.MapWhoAmI();
        return app;
    }
}
