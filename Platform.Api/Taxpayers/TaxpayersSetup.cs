using Platform.Api.Access;
using Marten;
using Platform.Api.GraphQL;

namespace Platform.Api.Taxpayers;

public static class TaxpayersSetup
{
    /// <summary>The one-household file (REST and GraphQL) and the audit of every access to it.</summary>
    public static IServiceCollection AddTaxpayers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new AccessOptions());
        services.AddSingleton<IQueryFields, TaxpayerQueryFields>();
        services.ConfigureMarten(options => options.Schema.For<AccessAudit>().DocumentAlias("access_audit").Duplicate(a => a.Subject));
        return services;
    }

    public static WebApplication MapTaxpayers(this WebApplication app)
    {
        app.MapTaxpayerFile();
        return app;
    }
}
