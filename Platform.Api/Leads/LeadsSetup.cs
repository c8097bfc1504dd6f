using Platform.Api.GraphQL;
using Platform.Api.Runs;
using Platform.Comparisons;

namespace Platform.Api.Leads;

public static class LeadsSetup
{
    /// <summary>The comparisons engine (rules, runs, leads) and its GraphQL fields: runRule and ruleRuns, leads and lead, the lifecycle mutations.</summary>
    public static IServiceCollection AddLeads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddComparisons(configuration);
        services.AddScoped<LeadHistoryLoader>();
        services.AddSingleton<IQueryFields, ReadLeads>();
        services.AddSingleton<IMutationFields, WorkLead>();
        services.AddSingleton<IQueryFields, ReadRuleRuns>();
        services.AddSingleton<IMutationFields, RunRule>();
        return services;
    }
}
