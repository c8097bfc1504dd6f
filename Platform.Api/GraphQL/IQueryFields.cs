using GraphQL.Types;

namespace Platform.Api.GraphQL;

/// <summary>A feature's fields on the root query type; each feature registers one, the schema composes them.</summary>
public interface IQueryFields
{
    void AddTo(ObjectGraphType query);
}

/// <summary>A feature's fields on the root mutation type; each names its operation like a query field.</summary>
public interface IMutationFields
{
    void AddTo(ObjectGraphType mutation);
}
