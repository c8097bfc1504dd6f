using Marten;
using Platform.Api.GraphQL;
using Platform.Ingest;

namespace Platform.Api.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail: its table and functions in the store's schema, the service that appends, the admin query.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() ?? new AuditOptions());
        services.AddSingleton<AuditTrail>();
        services.AddHttpContextAccessor();
        services.AddSingleton<IQueryFields, AuditQueryFields>();
        services.ConfigureMarten(store => StoreSchema.Add(store, AuditTable.SchemaObjects()));
        return services;
    }

    public static WebApplication MapAudit(this WebApplication app)
    {
        app.MapReadAuditTrail();
        return app;
    }
}
