using GraphQL.Types;

namespace Platform.Api.GraphQL;

/// <summary>The root mutation type: the features' changes (running rules, working leads), each asking the access policy.</summary>
public sealed class PlatformMutation : ObjectGraphType
{
    public PlatformMutation(IEnumerable<IMutationFields> features)
    {
        Name = "Mutation";
        foreach (var feature in features)
        {
            feature.AddTo(this);
        }
    }
}
