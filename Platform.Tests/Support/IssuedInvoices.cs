using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Ingest.Submissions;

namespace Platform.Tests.Support;

/// <summary>The bureau's invoices as a test sends them (template <c>invoices-issued</c>), and lookups of them.</summary>
public static class IssuedInvoices
{
    public const string Header = "invoice_code,invoice_number,issued,seller_uscc,buyer_uscc,amount,tax,check_code,status,period";

    /// <summary>A legacy invoice (code 10 digits, number 8) of <paramref name="serial"/>, issued on the 15th of <paramref name="period"/>.</summary>
    public static string[] Legacy(int serial, string period = "2024-05", string amount = "1000.00", string status = "正常", string? code = "4100191130") =>
    [
        code ?? "", serial.ToString("D8", CultureInfo.InvariantCulture), period + "-15", Files.Uscc(serial), Files.Uscc(serial + 1),
        amount, "130.00", "123456", status, period,
    ];

    /// <summary>A fully digital invoice: no code, a 20-digit number.</summary>
    public static string[] FullyDigital(int serial, string period = "2024-05") =>
    [
        "", "2441200000" + serial.ToString("D10", CultureInfo.InvariantCulture), period + "-15", Files.Uscc(serial), "", "500.00", "65.00",
        "654321", "正常", period,
    ];

    /// <summary>Sends the rows as the tax bureau (in <paramref name="mode"/>) and asserts they were accepted.</summary>
    public static async Task SendAsync(PlatformFactory platform, IEnumerable<string[]> rows, string period = "2024-05", string? mode = null)
    {
        var bureau = await platform.ClientForAsync(Roles.Agency, "tax-bureau");
        var receipt = await bureau.SubmitAsync(Files.Utf8(Files.Csv(rows, Header)), template: "invoices-issued", period: period, mode: mode);
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
    }

    /// <summary>A lookup of <paramref name="row"/> as sent (code, number, date, amount), through <c>POST /api/invoices/verify</c>.</summary>
    public static object Lookup(string[] row, string? amount = null, string? issueDate = null) => new
    {
        code = row[0].Length == 0 ? null : row[0], number = row[1], issueDate = issueDate ?? row[2], amountExcludingTax = amount ?? row[5],
    };

    public static async Task<JsonElement> VerifyAsync(this HttpClient client, object lookup)
    {
        using var response = await client.PostAsJsonAsync("/api/invoices/verify", lookup);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The audit entries of an invoice (by its record key), oldest first, once the lookups' writer has written <paramref name="count"/> of them.</summary>
    public static async Task<List<AuditEntry>> AuditedAsync(PlatformFactory platform, string invoiceKey, int count) => [.. (await Eventually.Until(
        () => platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, invoiceKey, null, null, 100, default),
        entries => entries.Count >= count, $"{count} audit entries of invoice {invoiceKey}", describe: entries => $"{entries.Count} entries"))
        .OrderBy(e => e.Seq)];
}
