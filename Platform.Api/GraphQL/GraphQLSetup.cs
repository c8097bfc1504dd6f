using GraphQL;
using Platform.Api.Hosting;

namespace Platform.Api.GraphQL;

/// <summary>Limits for GraphQL requests, from the <c>GraphQL</c> configuration section.</summary>
public sealed class GraphQLLimits
{
    public const string Section = "GraphQL";
    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 20_000;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class GraphQLSetup
{
    public static IServiceCollection AddPlatformGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(GraphQLLimits.Section).Get<GraphQLLimits>() ?? new GraphQLLimits();
        services.AddGraphQL(graphQL => graphQL
            .AddSchema<PlatformSchema>()
            .AddGraphTypes(typeof(PlatformSchema).Assembly)
            .AddSystemTextJson(options => options.Encoder = PlatformJson.Encoder)
            .AddErrorInfoProvider(options => options.ExposeExceptionDetails = false)
            .AddComplexityAnalyzer(options =>
            {
                options.MaxDepth = limits.MaxDepth;
                options.MaxComplexity = limits.MaxComplexity;
            })
            .WithTimeout(limits.Timeout)
            .ConfigureExecution<DocumentCache>());
        services.AddSingleton<DocumentCache>();
        return services;
    }
}
