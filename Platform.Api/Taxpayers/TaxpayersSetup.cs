using Platform.Api.GraphQL;

namespace Platform.Api.Taxpayers;

public static class TaxpayersSetup
{
    /// <summary>The one-household file (REST and GraphQL); every access to it is audited by <see cref="Audit.AuditTrail"/>.</summary>
    public static IServiceCollection AddTaxpayers(this IServiceCollection services)
    {
        services.AddSingleton<IQueryFields, TaxpayerQueryFields>();
        return services;
    }

    public static WebApplication MapTaxpayers(this WebApplication app)
    {
        app.MapTaxpayerFile();
        return app;
    }
}
