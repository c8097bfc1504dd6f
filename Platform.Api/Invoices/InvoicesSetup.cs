using Marten;
using Platform.Api.GraphQL;
using Platform.Ingest;

namespace Platform.Api.Invoices;

public static class InvoicesSetup
{
    /// <summary>The invoice-authenticity lookup: its options, counter table, verifier, audit queue and writer, rate limit and GraphQL field.</summary>
    public static IServiceCollection AddInvoices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(InvoiceOptions.Section).Get<InvoiceOptions>() ?? new InvoiceOptions();
        services.AddSingleton(options.Problem() is { } problem ? throw new InvalidOperationException(problem) : options);
        services.AddSingleton<LookupDatabase>();
        services.AddSingleton<LookupAudit>();
        services.AddSingleton<InvoiceVerifier>();
        services.AddHostedService<LookupAuditWriter>();
        services.AddHostedService<SingleLookupsDrain>(); // after the writer, so stopped before it
        services.AddHostedService<LookupCountPruning>();
        services.AddSingleton<IQueryFields, InvoiceQueryFields>();
        services.AddSingleton<InvoiceLookupLimit>();
        services.ConfigureMarten(store => StoreSchema.Add(store, LookupCounter.Tables()));
        return services;
    }

    public static WebApplication MapInvoices(this WebApplication app)
    {
        app.MapVerifyInvoice();
        app.MapVerifyInvoiceBatch();
        app.MapInvoiceLimits();
        return app;
    }
}
