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

    /// <summary>How many records a page of the one-household file (REST and <c>taxpayerRecords</c>) holds when <c>first</c> is not given.</summary>
    public int DefaultPageSize { get; set; } = 500;

    /// <summary>The most records a caller may ask a page of the one-household file for (<c>first</c>); more is refused.</summary>
    public int MaxPageSize { get; set; } = 2_000;

    /// <summary>Why these options cannot be used, or null when they can.</summary>
    public string? Problem() =>
        MaxHistoryRecords < 1 ? $"{Section}:MaxHistoryRecords is {MaxHistoryRecords}; set it to 1 or more."
        : MaxPageSize < 1 ? $"{Section}:MaxPageSize is {MaxPageSize}; set it to 1 or more."
        : DefaultPageSize < 1 || DefaultPageSize > MaxPageSize
            ? $"{Section}:DefaultPageSize is {DefaultPageSize}; set it to 1 to {Section}:MaxPageSize ({MaxPageSize})."
            : null;
}
