using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Platform.Api.Hosting;

public static class PlatformHosting
{

    private const string ReadyTag = "ready";

    /// <summary>Options, RFC 9457 problem details for every error, health checks, the start-up tasks and known proxies.</summary>
    public static WebApplicationBuilder AddPlatformHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlatformOptions>().BindConfiguration(PlatformOptions.Section);
        var platform = PlatformOptions.From(builder.Configuration);
        if (!Platform.Templates.Checks.Divisions.IsKnownPrefix(platform.Division))
        {
            throw new InvalidOperationException($"Platform:Division '{platform.Division}' is not a known GB/T 2260 prefix: give the city the " +
                                                "platform serves, such as 5113 (a prefecture), without trailing zeros.");
        }
        // Created 0700 here, so the keys it writes are never readable by others whatever mode it gives them.
        OwnerOnly.CreateDirectory(platform.DataPath("keys"));
        var dataProtectionKeys = OwnerOnly.CreateDirectory(platform.DataPath("keys", "data-protection"));
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(dataProtectionKeys));
        builder.Services.ConfigureHttpJsonOptions(options => PlatformJson.Configure(options.SerializerOptions));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseProblems>();
        builder.Services.AddExceptionHandler<RequestRefused>();
        // A parameter that does not bind (`/api/audit?from=garbage`, a body that is not the JSON asked for) throws, so
        // RequestRefused answers 400 with which parameter and what was sent, instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddHealthChecks()
            .AddNpgSql(sp => sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), name: "postgresql", tags: [ReadyTag]);
        builder.Services.AddHostedService<StartupTasks>();
        builder.AddKnownProxies();
        builder.Services.AddSingleton<DemoCityChannel>();
        builder.Services.AddHostedService<DemoCity>();
        return builder;
    }

    /// <summary>Exceptions and bare status codes (401, 403, 404) become RFC 9457 problem details, never a stack trace.</summary>
    public static WebApplication UseProblemDetailsForErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = http.Response.StatusCode };
            if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            {
                // Routing refused the body's type before any endpoint ran; say what was sent and where the accepted types are.
                var sent = http.Request.ContentType?.Split(';')[0].Trim();
                problem.Detail = sent is "application/vnd.ms-excel"
                    ? "An .xls workbook (Excel 97-2003) is not read: save it as .xlsx (Excel workbook) or CSV and send it again."
                    : $"This endpoint does not read a body of type '{(sent is { Length: > 0 } ? sent[..Math.Min(sent.Length, 100)] : "(none)")}'; " +
                      "the types each endpoint reads are in the API documentation (/swagger).";
            }
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        });
        return app;
    }

    /// <summary>Liveness says the process answers; readiness also asks PostgreSQL.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
