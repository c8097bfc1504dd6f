using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ingest;

namespace Platform.Reporting;

public static class ResultsSetup
{
    /// <summary>The control results: their tables, the async projection that keeps them, and their reader.</summary>
    public static IServiceCollection AddResults(this IServiceCollection services)
    {
        services.AddSingleton<ResultsReader>();
        services.ConfigureMarten(store =>
        {
            StoreSchema.Add(store, ResultTables.SchemaObjects());
            store.Projections.Add(new ResultsProjection(), ProjectionLifecycle.Async, ResultsProjection.Name, asyncOptions =>
            {
                // Larger batches than the default: each recomputes the cube slices it touched, so fewer batches do less work.
                asyncOptions.BatchSize = 5_000;
                // A rebuild starts from empty tables.
                foreach (var table in ResultTables.All)
                {
                    asyncOptions.DeleteDataInTableOnTeardown(table);
                }
            });
        });
        return services;
    }
}
