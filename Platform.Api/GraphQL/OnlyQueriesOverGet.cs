using GraphQL.Validation;
using GraphQLParser.AST;

namespace Platform.Api.GraphQL;

/// <summary>GraphQL over HTTP: a GET request may only run a query; a mutation over GET is refused with 405.</summary>
public sealed class OnlyQueriesOverGet : ValidationRuleBase
{
    public static readonly OnlyQueriesOverGet Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        if (context.Operation.Operation != OperationType.Query)
        {
            context.ReportError(new NotAQueryError());
        }
        return default;
    }

    public sealed class NotAQueryError() : ValidationError("Only queries may be sent with GET; send mutations with POST.");
}
