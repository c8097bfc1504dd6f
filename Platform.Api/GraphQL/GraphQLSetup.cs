using Platform.Api.Access;
using GraphQL;
using GraphQL.Execution;
using Platform.Api.Hosting;

namespace Platform.Api.GraphQL;

/// <summary>Limits for GraphQL requests, from the <c>GraphQL</c> configuration section.</summary>
public sealed class GraphQLLimits
{
    public const string Section = "GraphQL";

    /// <summary>Size of a POST's whole body (query, variables, extensions); a declared length over it is refused before it is read.</summary>
    public int MaxRequestBytes { get; set; } = 1_048_576;

    /// <summary>Size of the query text in UTF-8; checked before it is read further.</summary>
    public int MaxQueryBytes { get; set; } = 65_536;

    /// <summary>Tokens (names, punctuation, values) in the query text; counted before it is parsed.</summary>
    public int MaxTokens { get; set; } = 10_000;

    /// <summary>Directives at one location (a field, fragment, operation or variable); checked before validation.</summary>
    public int MaxDirectivesPerLocation { get; set; } = 10;

    /// <summary>Selections (fields, fragment spreads, inline fragments) with every fragment expanded; checked before validation.</summary>
    public int MaxSelections { get; set; } = 2_000;

    /// <summary>Fields of one selection set with its fragments expanded and fields of one name merged; checked before validation.</summary>
    public int MaxFieldsPerSelectionSet { get; set; } = 100;

    public int MaxDepth { get; set; } = 15;
    public int MaxComplexity { get; set; } = 20_000;

    /// <summary>Introspection's own complexity bound (see <see cref="IntrospectionComplexity"/>): room for one standard introspection query, not three.</summary>
    public int MaxIntrospectionComplexity { get; set; } = 1_000_000;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests one caller may send a minute (<see cref="GraphQLCallerLimit"/>).</summary>
    public int RequestsPerCallerPerMinute { get; set; } = 600;

    /// <summary>Requests of one caller executing at once (<see cref="GraphQLCallerLimit"/>).</summary>
    public int RequestsPerCallerAtOnce { get; set; } = 4;

    /// <summary>Requests of one caller waiting for one of those turns; one more is refused at once.</summary>
    public int QueuedRequestsPerCaller { get; set; } = 16;

    /// <summary>A request's field resolvers running at once (<see cref="FieldGate"/>); the rest wait their turn.</summary>
    public int FieldsAtOnce { get; set; } = 2;
}

public static class GraphQLSetup
{
    public static IServiceCollection AddPlatformGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(GraphQLLimits.Section).Get<GraphQLLimits>() ?? new GraphQLLimits();
        services.AddSingleton(limits);
        services.AddGraphQL(graphQL =>
        {
            graphQL.Services.Register<IDocumentBuilder>(new BoundedDocumentBuilder(limits), replace: true);
            graphQL
                .AddSchema<PlatformSchema>()
                .AddGraphTypes(typeof(PlatformSchema).Assembly)
                .AddSystemTextJson(options => options.Encoder = PlatformJson.Encoder)
                .AddErrorInfoProvider(options => options.ExposeExceptionDetails = false)
                .AddUnhandledExceptionHandler(UnhandledErrors.MapAsync)
                .AddComplexityAnalyzer(options =>
                {
                    options.MaxDepth = limits.MaxDepth;
                    options.MaxComplexity = limits.MaxComplexity;
                    options.DefaultComplexityImpactDelegate = IntrospectionComplexity.WithoutIntrospection;
                })
                .AddValidationRule(new IntrospectionComplexity(limits))
                .UseMiddleware<AccessFieldMiddleware>()
                .UseMiddleware<FieldGate>()
                .WithTimeout(limits.Timeout)
                .ConfigureExecution<DocumentCache>();
        });
        services.AddSingleton<DocumentCache>();
        services.AddSingleton<GraphQLCallerLimit>();
        services.AddScoped<FieldGate.Turns>();
        return services;
    }
}
