using Platform.Ingest.Records;

namespace Platform.Api.Invoices;

/// <summary>
/// What an invoice is, as a verification answer gives it: its identifiers, kind (<c>fully-digital</c>: a 20-digit number,
/// no code; <c>legacy</c>: a code and an 8-digit number), date, parties, amounts and whether it is voided (作废) or a
/// red-letter invoice (红冲).
/// </summary>
public sealed record InvoiceDetails(
    string? Code,
    string Number,
    string Kind,
    DateOnly IssueDate,
    string SellerId,
    string? SellerName,
    string? BuyerId,
    string? BuyerName,
    decimal? AmountExcludingTax,
    decimal? Tax,
    decimal? Total,
    bool Voided,
    bool RedLetter)
{
    public static InvoiceDetails Of(IssuedInvoice invoice) => new(invoice.Code, invoice.Number, invoice.Code is null ? "fully-digital" : "legacy",
        invoice.Issued, invoice.SellerUscc, invoice.SellerName, invoice.BuyerUscc, invoice.BuyerName, invoice.Amount, invoice.Tax,
        invoice.Amount is { } amount && invoice.Tax is { } tax ? amount + tax : null, invoice.Status == "作废", invoice.Status == "红冲");
}

/// <summary>
/// The answer to one lookup: <c>consistent</c> with the invoice's details; <c>inconsistent</c> with the names of the
/// fields that differ (never the stored values); <c>not-found</c>; or <c>limit-reached</c> with when the invoice's daily
/// count starts again and which allowance was spent (<c>caller-share</c>: the caller's share of the invoice's lookups,
/// others may still ask; <c>invoice-day</c>: the invoice's lookups across callers); each with the lookups left today.
/// </summary>
public sealed record InvoiceVerification(string Result, InvoiceDetails? Invoice = null, IReadOnlyList<string>? Mismatched = null,
    DateTimeOffset? ResetsAt = null, string? Spent = null)
{
    /// <summary>
    /// When inconsistent because the field given cannot be compared, the field to ask by instead: <c>amountExcludingTax</c>
    /// for an invoice held without a check code (a special VAT invoice is checked by its amount), asked by its check code.
    /// Tells no stored value: only how this invoice is checked, as the national platform's form does (clerk review).
    /// </summary>
    public string? AskBy { get; init; }

    /// <summary>
    /// Lookups of this invoice the caller may still make today after this one (the lesser of its share and the invoice's
    /// day), so a clerk knows before a limit is reached; 0 when limit-reached.
    /// </summary>
    public int Remaining { get; init; }

    public const string Consistent = "consistent", Inconsistent = "inconsistent", NotFound = "not-found", LimitReached = "limit-reached";

    /// <summary>
    /// The answer to <paramref name="query"/> given what is held (null: nothing) and, when the day's count refused it,
    /// which allowance was spent (<see cref="LookupCounter.Admitted"/>; null: admitted).
    /// </summary>
    public static InvoiceVerification Decide(InvoiceQuery query, IssuedInvoice? held, string? spent, DateTimeOffset resetsAt)
    {
        if (spent is not null)
        {
            return new InvoiceVerification(LimitReached, ResetsAt: resetsAt, Spent: spent);
        }
        if (held is null)
        {
            return new InvoiceVerification(NotFound);
        }
        List<string> mismatched = [];
        if (held.Issued != query.IssueDate)
        {
            mismatched.Add("issueDate");
        }
        if (query.AmountExcludingTax is { } amount && held.Amount != amount)
        {
            mismatched.Add("amountExcludingTax");
        }
        string? askBy = null;
        if (query.CheckCodeLast6 is { } check && held.CheckCode != check)
        {
            mismatched.Add("checkCodeLast6");
            askBy = held.CheckCode is null && query.AmountExcludingTax is null ? "amountExcludingTax" : null;
        }
        return mismatched.Count > 0
            ? new InvoiceVerification(Inconsistent, Mismatched: mismatched) { AskBy = askBy }
            : new InvoiceVerification(Consistent, InvoiceDetails.Of(held));
    }
}
