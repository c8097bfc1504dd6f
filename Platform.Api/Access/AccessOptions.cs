namespace Platform.Api.Access;

/// <summary>Data-set choices of the access policy, from the <c>Access</c> configuration section.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// Templates whose supplying agency an officer may see in the one-household file. Empty by default: officers see
    /// every supplier as "third-party" until policy for that data set allows the name.
    /// </summary>
    public HashSet<string> SourceNamedToOfficers { get; set; } = new(StringComparer.Ordinal);
}
