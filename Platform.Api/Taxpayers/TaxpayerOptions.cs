namespace Platform.Api.Taxpayers;

/// <summary>Bounds of the taxpayer reads (<c>Taxpayers:</c> in configuration).</summary>
public sealed class TaxpayerOptions
{
    public const string Section = "Taxpayers";

    /// <summary>
    /// The most records GraphQL <c>taxpayer(subject:)</c> lists in its sources, newest periods kept; <c>recordsLeftOut</c>
    /// counts the rest.
    /// </summary>
    public int MaxHistoryRecords { get; set; } = 2_000;
}
