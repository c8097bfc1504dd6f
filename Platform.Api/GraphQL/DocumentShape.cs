using GraphQLParser.AST;

namespace Platform.Api.GraphQL;

/// <summary>
/// The shape of a parsed document against <see cref="GraphQLLimits"/>, walked as execution would see it: fragment
/// spreads and inline fragments expanded, and the sub-selections of fields with one response name merged. Counted are
/// directives at each location, selections visited in all (what the complexity analysis and execution visit), and
/// fields in each merged selection set (which validation compares pairwise, so its cost is quadratic in them).
/// </summary>
public sealed class DocumentShape(GraphQLDocument document, GraphQLLimits limits)
{
    private readonly Dictionary<string, GraphQLFragmentDefinition> fragments = document.Definitions
        .OfType<GraphQLFragmentDefinition>()
        .DistinctBy(f => f.FragmentName.Name.StringValue)
        .ToDictionary(f => f.FragmentName.Name.StringValue);

    private readonly HashSet<string> expanding = [];
    private int selections;

    public void Check()
    {
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLOperationDefinition operation)
            {
                Directives(operation.Directives);
                foreach (var variable in operation.Variables?.Items ?? [])
                {
                    Directives(variable.Directives);
                }
                Measure([operation.SelectionSet]);
            }
            else if (definition is GraphQLFragmentDefinition fragment)
            {
                Directives(fragment.Directives);
                Measure([fragment.SelectionSet]);
            }
        }
    }

    private void Measure(List<GraphQLSelectionSet> merged)
    {
        var fields = new List<GraphQLField>();
        foreach (var selectionSet in merged)
        {
            Expand(selectionSet, fields);
        }
        foreach (var sameName in fields.Where(f => f.SelectionSet is not null).GroupBy(f => (f.Alias?.Name ?? f.Name).StringValue))
        {
            Measure(sameName.Select(f => f.SelectionSet!).ToList());
        }
    }

    private void Expand(GraphQLSelectionSet selectionSet, List<GraphQLField> fields)
    {
        foreach (var selection in selectionSet.Selections)
        {
            if (++selections > limits.MaxSelections)
            {
                throw new DocumentLimitError(
                    $"The query has more than {limits.MaxSelections} selections with its fragments expanded (GraphQL:MaxSelections).");
            }
            switch (selection)
            {
                case GraphQLField field:
                    Directives(field.Directives);
                    fields.Add(field);
                    if (fields.Count > limits.MaxFieldsPerSelectionSet)
                    {
                        throw new DocumentLimitError(
                            $"One selection set has more than {limits.MaxFieldsPerSelectionSet} fields with its fragments expanded and " +
                            "fields of one name merged (GraphQL:MaxFieldsPerSelectionSet).");
                    }
                    break;
                case GraphQLInlineFragment inline:
                    Directives(inline.Directives);
                    Expand(inline.SelectionSet, fields);
                    break;
                case GraphQLFragmentSpread spread:
                    Directives(spread.Directives);
                    var name = spread.FragmentName.Name.StringValue;
                    // An unknown fragment or a cycle is left to validation, which reports it.
                    if (fragments.TryGetValue(name, out var fragment) && expanding.Add(name))
                    {
                        Expand(fragment.SelectionSet, fields);
                        expanding.Remove(name);
                    }
                    break;
            }
        }
    }

    private void Directives(GraphQLDirectives? directives)
    {
        if (directives is not null && directives.Items.Count > limits.MaxDirectivesPerLocation)
        {
            throw new DocumentLimitError(
                $"One location has more than {limits.MaxDirectivesPerLocation} directives (GraphQL:MaxDirectivesPerLocation).");
        }
    }
}
