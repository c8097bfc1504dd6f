using System.Text.Json;

namespace Platform.Comparisons.Rules;

/// <summary>The rules the platform runs, by id, each with its parameters as configured.</summary>
public sealed class RuleCatalog(IEnumerable<IComparisonRule> rules)
{
    private readonly Dictionary<string, IComparisonRule> byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<IComparisonRule> All => byId.Values;

    public IComparisonRule? Find(string id) => byId.GetValueOrDefault(id);

    /// <summary>A rule's parameters as they are shown on its leads and runs.</summary>
    public static JsonElement ParametersOf(IComparisonRule rule) =>
        JsonSerializer.SerializeToElement(rule.Parameters, rule.Parameters.GetType(), JsonSerializerOptions.Web);
}
