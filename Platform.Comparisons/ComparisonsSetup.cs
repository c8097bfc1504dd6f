using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Rules;
using Platform.Comparisons.Runs;
using Platform.Ingest;

namespace Platform.Comparisons;

public static class ComparisonsSetup
{
    /// <summary>The rules with their parameters, the tax offices, leads as event streams with their inline read model, runs and the schedule.</summary>
    public static IServiceCollection AddComparisons(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ComparisonOptions.Section).Get<ComparisonOptions>() ?? new ComparisonOptions();
        services.AddSingleton(options);
        services.AddSingleton(new TaxOffices(options.Offices.Count > 0 ? options.Offices : TaxOffices.Demo));
        var registry = RuleOptions<RegistryOptions>;
        var thirdParty = RuleOptions<ThirdPartyOptions>;
        IComparisonRule[] rules =
        [
            new RegistryUnregistered(registry(configuration, RegistryUnregistered.RuleId)),
            new RegistryDeregisteredActive(registry(configuration, RegistryDeregisteredActive.RuleId)),
            new RegistryChanged(registry(configuration, RegistryChanged.RuleId)),
            new SurchargeShortfall(RuleOptions<SurchargeShortfallOptions>(configuration, SurchargeShortfall.RuleId)),
            ThirdParty.CardSales(thirdParty(configuration, ThirdParty.CardSalesId)),
            ThirdParty.Property(thirdParty(configuration, ThirdParty.PropertyId)),
            ThirdParty.Land(thirdParty(configuration, ThirdParty.LandId)),
            new IndustryBurden(RuleOptions<IndustryBurdenOptions>(configuration, IndustryBurden.RuleId)),
            new TaxSourceDrop(RuleOptions<TaxSourceDropOptions>(configuration, TaxSourceDrop.RuleId)),
        ];
        foreach (var rule in rules)
        {
            services.AddSingleton(rule);
        }
        services.AddSingleton<RuleCatalog>();
        services.AddSingleton<RuleRunner>();
        services.AddSingleton<OnDemandRuns>();
        services.AddSingleton<RuleRunReader>();
        services.AddSingleton<LeadReader>();
        services.AddSingleton<RebuildLeadTable>();
        var signal = new AcceptanceSignal();
        services.AddSingleton(signal);
        services.AddSingleton<RuleSchedule>();
        if (options.ScheduleInterval is not null || options.RunAfterAcceptance)
        {
            services.AddHostedService(sp => sp.GetRequiredService<RuleSchedule>());
        }
        services.ConfigureMarten(store =>
        {
            store.Listeners.Add(signal);
            store.Events.AddEventTypes(Lead.EventTypes);
            store.Projections.Add(new LeadProjection(), ProjectionLifecycle.Inline);
            StoreSchema.Add(store, LeadTable.SchemaObjects().Concat(RuleFunctions.SchemaObjects()));
            store.Schema.For<RuleRun>()
                .DocumentAlias("rule_run")
                .Duplicate(r => r.Rule)
                .Duplicate(r => r.StartedAt);
        });
        return services;
    }

    /// <summary>A rule's parameters from <c>Comparisons:Rules:&lt;id&gt;</c>, defaults where not configured.</summary>
    public static T RuleOptions<T>(IConfiguration configuration, string ruleId) where T : new() =>
        configuration.GetSection($"{ComparisonOptions.Section}:Rules:{ruleId}").Get<T>() ?? new T();
}
