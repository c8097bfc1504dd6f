using Platform.Api.GraphQL;
using Platform.Reporting;

namespace Platform.Api.Reporting;

public static class ControlResultsSetup
{
    /// <summary>The control results (their projection and reader) and the GraphQL field that serves them.</summary>
    public static IServiceCollection AddControlResults(this IServiceCollection services)
    {
        services.AddResults();
        services.AddSingleton<IQueryFields, ControlResultsFields>();
        return services;
    }
}
