using Microsoft.Extensions.FileProviders;

namespace Platform.Api.Pages;

/// <summary>
/// The platform's own web pages: static HTML, scripts and styles from <c>site/</c> beside the server's assembly (copied
/// there by the build from <c>Pages/site</c>; <c>vendor/</c> by <c>ops/web install</c>). The pages hold no data and need
/// no token; their scripts sign the person in (authorization code + PKCE) and call the platform's own REST API.
/// </summary>
public static class PagesSetup
{
    /// <summary>Where scripts, styles and vendored libraries are served from.</summary>
    public const string AssetsPath = "/web";

    private static readonly string Site = Path.Combine(AppContext.BaseDirectory, "site");

    /// <summary>The pages by path: <c>/signed-in</c> is the web front's redirect URI (<c>Auth/WebFront.cs</c>).</summary>
    private static readonly Dictionary<string, string> PageFiles = new()
    {
        ["/"] = "index.html",
        ["/portal"] = "portal.html",
        ["/dashboard"] = "dashboard.html",
        ["/signed-in"] = "signed-in.html",
    };

    /// <summary>Assets are answered ahead of authentication, like Swagger UI's files: they are the same for everyone.</summary>
    public static WebApplication UsePages(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Site),
            RequestPath = AssetsPath,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        foreach (var (path, file) in PageFiles)
        {
            app.MapGet(path, (HttpResponse response) =>
                {
                    response.Headers.CacheControl = "no-cache";
                    return Results.File(Path.Combine(Site, file), "text/html; charset=utf-8");
                })
                .AllowAnonymous()
                .ExcludeFromDescription();
        }
        return app;
    }
}
