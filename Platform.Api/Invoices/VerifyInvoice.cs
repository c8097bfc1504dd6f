using System.Globalization;
using System.Text.Json;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.Hosting;

namespace Platform.Api.Invoices;

/// <summary>
/// <c>POST /api/invoices/verify</c>: one invoice-authenticity lookup. A malformed field is a 400 validation problem naming
/// it (never a <c>not-found</c>), and is neither counted nor audited; every answered lookup is both. A lookup refused
/// because too many wait already (<see cref="LookupQueueFullException"/>) is a 503 with <c>Retry-After</c>, neither counted nor audited.
/// </summary>
public static class VerifyInvoice
{
    public static void MapVerifyInvoice(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/invoices/verify", VerifyAsync)
            .RequireAccess(Operation.VerifyInvoices)
            .AddEndpointFilter(InvoiceLookupLimit.FilterAsync)
            .WithTags("Invoices")
            .WithSummary("Verify one invoice (发票查验): {code (10 or 12 digits; absent for a fully digital invoice), number (8 digits, or 20), " +
                         "issueDate (yyyy-MM-dd), amountExcludingTax or checkCodeLast6}; answers consistent (with details, voided and " +
                         "redLetter), inconsistent (the fields that differ), not-found, or limit-reached (with resetsAt) after " +
                         "Invoices:LookupsPerInvoicePerDay lookups of the invoice that day; every lookup is audited")
            .Accepts<InvoiceRequest>("application/json")
            .Produces<InvoiceVerification>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>A lookup's body is a few fields; more is not a lookup.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static async Task<IResult> VerifyAsync(HttpContext http, InvoiceVerifier verifier, CancellationToken ct)
    {
        if (RequestBodyLimit.Apply(http, MaxBodyBytes, "a lookup (send many invoices to /api/invoices/verify-batch)") is { } tooLarge)
        {
            return tooLarge;
        }
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [RequestShape] });
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [RequestShape] });
        }
        if (InvoiceQuery.Parse(InvoiceInput.From(body), verifier.Today(), out var problems) is not { } query)
        {
            return Results.ValidationProblem(problems);
        }
        try
        {
            return Results.Ok(await verifier.VerifyAsync(query, AuditActor.From(http), ct));
        }
        catch (LookupQueueFullException full)
        {
            http.Response.Headers.RetryAfter = LookupQueueFullException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(full.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many lookups waiting");
        }
    }

    public const string RequestShape =
        "Send a JSON object {\"code\", \"number\", \"issueDate\": \"yyyy-MM-dd\", \"amountExcludingTax\" or \"checkCodeLast6\"}.";
}

/// <summary>The lookup's body, for the API's documentation (the endpoint reads the fields itself, to name a malformed one).</summary>
public sealed record InvoiceRequest(string? Code, string Number, string IssueDate, string? AmountExcludingTax, string? CheckCodeLast6);
