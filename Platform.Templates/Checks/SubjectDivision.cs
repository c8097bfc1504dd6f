namespace Platform.Templates.Checks;

/// <summary>
/// The GB/T 2260 division (six digits) a taxpayer belongs to, as far as its subject key tells: a resident ID's first six
/// digits (its address code) or a USCC's characters 3 to 8 (its registering division). The access policy places
/// taxpayers in jurisdictions by it, and comparisons fall back to it when no registration names the county
/// (Platform.Comparisons/RULES.md, "The subject's county and office").
/// </summary>
public static class SubjectDivision
{
    /// <summary>
    /// The division, or null for a key that is neither a valid resident ID nor a valid USCC. A resident ID is tried first
    /// and must name a known division: a resident ID passes the USCC check one time in 31, while no USCC's first six
    /// characters are a known division and a valid resident ID too except by rare chance.
    /// </summary>
    public static string? FromKey(string subjectKey) =>
        ResidentId.Check(subjectKey) == ResidentId.Result.Valid && Divisions.IsKnown(subjectKey.AsSpan(0, 6)) ? subjectKey[..6]
        : Uscc.Check(subjectKey) == Uscc.Result.Valid ? subjectKey[2..8]
        : null;

    /// <summary>Whether <paramref name="division"/> lies within <paramref name="prefix"/> (<c>5113</c> holds <c>511302</c>).</summary>
    public static bool IsWithin(string? division, string prefix) => division is not null && division.StartsWith(prefix, StringComparison.Ordinal);
}
