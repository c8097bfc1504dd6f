using Platform.Api.Access;
using Platform.Api.GraphQL;

namespace Platform.Api.Taxpayers;

public static class TaxpayersSetup
{
    /// <summary>The one-household file (REST, GraphQL <c>taxpayerRecords</c>, and <c>taxpayer</c> with its leads) and its data-set policy; every access to it is audited by <see cref="Audit.AuditTrail"/>.</summary>
    public static IServiceCollection AddTaxpayers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new AccessOptions());
        var options = configuration.GetSection(TaxpayerOptions.Section).Get<TaxpayerOptions>() ?? new TaxpayerOptions();
        services.AddSingleton(options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options);
        services.AddSingleton<TaxpayerFileCursor>();
        services.AddSingleton<IQueryFields, TaxpayerQueryFields>();
        services.AddSingleton<IQueryFields, TaxpayerHistoryQueryFields>();
        return services;
    }

    public static WebApplication MapTaxpayers(this WebApplication app)
    {
        app.MapTaxpayerFile();
        return app;
    }
}
