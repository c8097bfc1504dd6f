namespace Platform.Api.Hosting;

/// <summary>
/// What browsers are told on every response: no sniffing, no framing, no referrer, a content policy that admits the
/// API and Swagger UI's own files only, HSTS over HTTPS; and no cross-origin access unless
/// <see cref="PlatformOptions.CorsOrigins"/> names the origins.
/// </summary>
public static class BrowserSecurity
{
    /// <summary>Swagger UI needs its own scripts and styles (it sets inline styles), data: images and fetches to this host.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplicationBuilder AddBrowserSecurity(this WebApplicationBuilder builder)
    {
        var origins = PlatformOptions.From(builder.Configuration).CorsOrigins;
        if (origins.Count > 0)
        {
            builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
                .WithOrigins([.. origins]).WithHeaders("Authorization", "Content-Type").AllowAnyMethod()));
        }
        return builder;
    }

    public static WebApplication UseBrowserSecurity(this WebApplication app)
    {
        // Set as the response starts, so that error responses (whose headers the exception handler clears) get them too.
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                // A page that posts a form (the login page) sets a policy of its own.
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }
                if (http.Request.IsHttps)
                {
                    headers.StrictTransportSecurity = "max-age=31536000";
                }
                return Task.CompletedTask;
            });
            return next(http);
        });
        if (PlatformOptions.From(app.Configuration).CorsOrigins.Count > 0)
        {
            app.UseCors();
        }
        return app;
    }
}
