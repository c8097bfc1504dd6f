namespace Platform.Templates.Checks;

/// <summary>
/// VAT invoice identifiers: a paper or electronic invoice has a 10- or 12-digit invoice code (发票代码) and an 8-digit
/// number (发票号码); a fully digital invoice (全电发票) has a 20-digit number and no code.
/// </summary>
public static class InvoiceNumbers
{
    public static bool IsInvoiceCode(ReadOnlySpan<char> code) => code.Length is 10 or 12 && AllDigits(code);

    public static bool IsInvoiceNumber(ReadOnlySpan<char> number) => number.Length is 8 or 20 && AllDigits(number);

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
