using Platform.Api.GraphQL;
using Platform.Ingest.Quality;

namespace Platform.Api.Quality;

public static class QualitySetup
{
    /// <summary>The timeliness and quality scoreboard (REST and GraphQL) and its limits.</summary>
    public static IServiceCollection AddQuality(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(ScoreboardOptions.Section).Get<ScoreboardOptions>() ?? new ScoreboardOptions());
        services.AddSingleton<IQueryFields, ScoreboardQueryFields>();
        return services;
    }

    public static WebApplication MapQuality(this WebApplication app)
    {
        app.MapReadScoreboard();
        return app;
    }
}
