using Platform.Api.Access;

namespace Platform.Api.Invoices;

/// <summary>
/// The lookups' limits as this platform is configured (<see cref="InvoiceOptions"/>), for a client to plan by and for the
/// portal to state (it showed the defaults, whatever the bureau had set): per invoice a day across callers and the
/// caller's share of them, per caller a minute and a day, the invoices of a batch, and the time zone whose midnight
/// starts a new day.
/// </summary>
public sealed record InvoiceLimits(int LookupsPerInvoicePerDay, int LookupsPerInvoicePerCallerPerDay, int LookupsPerCallerPerMinute,
    int LookupsPerCallerPerDay, int MaxBatchInvoices, string TimeZone)
{
    public static InvoiceLimits Of(InvoiceOptions options) => new(options.LookupsPerInvoicePerDay, options.LookupsPerInvoicePerCallerPerDay,
        options.LookupsPerCallerPerMinute, options.LookupsPerCallerPerDay, options.MaxBatchInvoices, options.TimeZone);
}

public static class InvoiceLimitsEndpoint
{
    public static void MapInvoiceLimits(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/invoices/limits", (InvoiceOptions options) => Results.Ok(InvoiceLimits.Of(options)))
            .RequireAccess(Operation.VerifyInvoices)
            .WithTags("Invoices")
            .WithSummary("The lookups' limits as configured: per invoice a day (all callers) and the caller's share of them, per caller a " +
                         "minute and a day, the invoices of a batch, and the time zone whose midnight starts a new day")
            .Produces<InvoiceLimits>();
}
