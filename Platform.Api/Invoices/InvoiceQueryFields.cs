using GraphQL;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;

namespace Platform.Api.Invoices;

/// <summary>
/// GraphQL's <c>verifyInvoice</c>: the same lookup, limit and audit as <c>POST /api/invoices/verify</c>; a malformed
/// argument is an error with code <c>INVALID</c> whose message names each argument to fix (<c>issueDate: Give ...</c>); a
/// lookup refused because too many wait already, an error with code <c>LOOKUP_QUEUE_FULL</c> saying to try again in a second;
/// each field takes a permit of the caller's rate limit (<see cref="InvoiceLookupLimit"/>, <c>RATE_LIMITED</c> when over).
/// The field is nullable, so that a refused field is null beside its error and the request's other lookups, counted and
/// audited already, keep their answers (a non-null field's error would make the whole <c>data</c> null).
/// </summary>
public sealed class InvoiceQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<InvoiceVerificationGraphType, InvoiceVerification>("verifyInvoice")
            .Description("Verify one invoice (发票查验): consistent (with details), inconsistent (the fields that differ), not-found, or " +
                         "limit-reached after Invoices:LookupsPerInvoicePerDay lookups of the invoice that day. Every lookup is audited.")
            .RequireAccess(Operation.VerifyInvoices)
            .Argument<StringGraphType>("code", "The invoice code, 10 or 12 digits; absent for a fully digital invoice")
            .Argument<NonNullGraphType<StringGraphType>>("number", "The invoice number: 8 digits, or the 20 of a fully digital invoice")
            .Argument<NonNullGraphType<StringGraphType>>("issueDate", "yyyy-MM-dd")
            .Argument<StringGraphType>("amountExcludingTax", "The amount excluding tax, such as 1234.50 (special VAT invoices)")
            .Argument<StringGraphType>("checkCodeLast6", "The last six digits of the check code (ordinary invoices)")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                services.GetRequiredService<InvoiceLookupLimit>().Admit(context.User!);
                var verifier = services.GetRequiredService<InvoiceVerifier>();
                var input = InvoiceInput.From(name => context.GetArgument<string?>(name));
                if (InvoiceQuery.Parse(input, verifier.Today(), out var problems) is not { } parsed)
                {
                    throw new ExecutionError(string.Join(" ", problems.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}"))) { Code = "INVALID" };
                }
                var http = services.GetRequiredService<IHttpContextAccessor>().HttpContext;
                try
                {
                    return await verifier.VerifyAsync(parsed, AuditActor.From(context.User!, http), context.CancellationToken);
                }
                catch (LookupQueueFullException full)
                {
                    throw new ExecutionError(full.Message) { Code = LookupQueueFullException.Code };
                }
            });
}

public sealed class InvoiceVerificationGraphType : ObjectGraphType<InvoiceVerification>
{
    public InvoiceVerificationGraphType()
    {
        Name = "InvoiceVerification";
        Field(v => v.Result).Description("consistent, inconsistent, not-found or limit-reached");
        Field<InvoiceDetailsGraphType>("invoice").Description("The invoice, when consistent").Resolve(c => c.Source.Invoice);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("mismatched")
            .Description("The fields that differ, when inconsistent (issueDate, amountExcludingTax, checkCodeLast6); never the stored values")
            .Resolve(c => c.Source.Mismatched);
        Field<StringGraphType>("askBy")
            .Description("When inconsistent because the field given cannot be compared, the field to ask by instead: amountExcludingTax for an invoice held without a check code")
            .Resolve(c => c.Source.AskBy);
        Field<DateTimeOffsetGraphType>("resetsAt").Description("When the invoice's daily count starts again, when limit-reached")
            .Resolve(c => c.Source.ResetsAt);
        Field<StringGraphType>("spent")
            .Description("When limit-reached, which allowance is spent: caller-share (yours of the invoice's lookups; others may still ask) or invoice-day (the invoice's, across callers)")
            .Resolve(c => c.Source.Spent);
        Field<NonNullGraphType<IntGraphType>>("remaining")
            .Description("Lookups of this invoice you may still make today after this one (the lesser of your share and the invoice's day); 0 when limit-reached")
            .Resolve(c => c.Source.Remaining);
    }
}

public sealed class InvoiceDetailsGraphType : ObjectGraphType<InvoiceDetails>
{
    public InvoiceDetailsGraphType()
    {
        Name = "InvoiceDetails";
        Field(i => i.Code, nullable: true);
        Field(i => i.Number);
        Field(i => i.Kind).Description("fully-digital (a 20-digit number, no code) or legacy (a code and an 8-digit number)");
        Field<NonNullGraphType<DateGraphType>>("issueDate").Resolve(c => c.Source.IssueDate.AsDate());
        Field(i => i.SellerId).Description("The seller's unified social credit code");
        Field(i => i.SellerName, nullable: true);
        Field(i => i.BuyerId, nullable: true);
        Field(i => i.BuyerName, nullable: true);
        Field(i => i.AmountExcludingTax, nullable: true);
        Field(i => i.Tax, nullable: true);
        Field(i => i.Total, nullable: true);
        Field(i => i.Voided).Description("作废");
        Field(i => i.RedLetter).Description("红冲");
    }
}
