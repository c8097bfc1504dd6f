using GraphQL.Types;

namespace Platform.Api.GraphQL;

/// <summary>A feature's fields on the root query type; each feature registers one, the schema composes them.</summary>
public interface IQueryFields
{
    void AddTo(ObjectGraphType query);
}
