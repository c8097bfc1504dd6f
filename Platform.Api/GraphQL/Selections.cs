using GraphQL;

namespace Platform.Api.GraphQL;

/// <summary>What a request selects of a field's answer, for reads that audit only what they return.</summary>
public static class Selections
{
    /// <summary>
    /// Whether <paramref name="field"/> of this field's answer is selected, under any alias or fragment (true when the
    /// field's sub-selection is unknown, so that a read is never audited as returning less than it did).
    /// </summary>
    public static bool Selects(this IResolveFieldContext context, string field) =>
        context.SubFields is not { } selected || selected.Values.Any(f => f.Field.Name.StringValue == field);
}
