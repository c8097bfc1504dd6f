using Marten;
using Platform.Api.GraphQL;

namespace Platform.Api.Agencies;

public static class AgencyDirectory
{
    /// <summary>Agencies of the source text's pilot city, seeded for the demo; the tax bureau sends its own data sets too.</summary>
    public static readonly IReadOnlyList<Agency> Demo =
    [
        new("market-regulator", "市场监督管理局", "Market Regulation Administration"),
        new("housing-registry", "不动产登记中心", "Real Estate Registration Center"),
        new("medical-insurance", "医疗保障局", "Medical Security Bureau"),
        new("natural-resources", "自然资源和规划局", "Natural Resources and Planning Bureau"),
        new("finance", "财政局", "Finance Bureau"),
        new("tax-bureau", "税务局", "Tax Bureau"),
    ];

    public static IServiceCollection AddAgencies(this IServiceCollection services)
    {
        services.ConfigureMarten(options => options.Schema.For<Agency>().DocumentAlias("agency"));
        return services.AddSingleton<IQueryFields, AgencyQueryFields>();
    }

    public static WebApplication MapAgencies(this WebApplication app)
    {
        app.MapListAgencies();
        app.MapRegisterAgency();
        app.MapAgencyClients();
        return app;
    }

    public static async Task SeedDemoAsync(IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(Demo.ToArray());
        await session.SaveChangesAsync(ct);
    }
}
