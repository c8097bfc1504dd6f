namespace Platform.Comparisons.Leads;

/// <summary>
/// The amounts an officer enters on a lead (tax, penalty, what was paid): yuan, not negative, at most two decimals, and at
/// most <see cref="Max"/>. The ceiling is far above any one taxpayer's assessment and keeps the control results' sums
/// over every lead within what they are added in (attacker review, 2026-12-02: two confirmations of 7.9 × 10^28 yuan
/// overflowed the leaders' figures for good, as a confirmation is never undone).
/// </summary>
public static class LeadAmounts
{
    /// <summary>100 billion yuan (一千亿元).</summary>
    public const decimal Max = 100_000_000_000m;

    public const string Words = "not negative, at most two decimals, at most 100,000,000,000";

    public static bool IsAmount(decimal amount) => amount is >= 0 and <= Max && decimal.Round(amount, 2) == amount;
}
