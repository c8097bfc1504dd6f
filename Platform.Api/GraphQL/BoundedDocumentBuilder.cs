using System.Text;
using GraphQL.Execution;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Platform.Api.GraphQL;

/// <summary>
/// Parses a query only once it is known to be small: its bytes, then its tokens (one pass of the lexer), then, parsed,
/// its shape (<see cref="DocumentShape"/>), each against a <see cref="GraphQLLimits"/> option. Validation is not linear
/// in the document (a directive repeated at one location costs an error each, and each error locates itself in the
/// text; fields of one name are compared pairwise), so these bounds are checked before it runs.
/// </summary>
public sealed class BoundedDocumentBuilder(GraphQLLimits limits) : IDocumentBuilder
{
    /// <summary>How deep the syntax tree may nest (the parser's own default): far more than fields within <see cref="GraphQLLimits.MaxDepth"/> need.</summary>
    public const int MaxSyntaxDepth = 128;

    private readonly GraphQLDocumentBuilder parser = new() { MaxDepth = MaxSyntaxDepth };

    public GraphQLDocument Build(string body)
    {
        if (body.Length > limits.MaxQueryBytes || Encoding.UTF8.GetByteCount(body) > limits.MaxQueryBytes)
        {
            throw new DocumentLimitError($"The query is larger than {limits.MaxQueryBytes} bytes (GraphQL:MaxQueryBytes).");
        }
        if (CountTokens(body, stopAfter: limits.MaxTokens + 1) > limits.MaxTokens)
        {
            throw new DocumentLimitError($"The query has more than {limits.MaxTokens} tokens (GraphQL:MaxTokens).");
        }
        GraphQLDocument document;
        try
        {
            document = parser.Build(body);
        }
        catch (GraphQLMaxDepthExceededException)
        {
            throw new DocumentLimitError(
                $"The query nests more than {MaxSyntaxDepth} levels of syntax; fields may nest {limits.MaxDepth} deep (GraphQL:MaxDepth).");
        }
        new DocumentShape(document, limits).Check();
        return document;
    }

    private static int CountTokens(string query, int stopAfter)
    {
        var count = 0;
        var position = 0;
        try
        {
            while (count < stopAfter)
            {
                var token = Lexer.Lex(query, position);
                if (token.Kind == TokenKind.EOF)
                {
                    break;
                }
                count++;
                position = token.End;
            }
        }
        catch (GraphQLSyntaxErrorException)
        {
            // Not a GraphQL document: the parser reports where, with its own message.
        }
        return count;
    }
}

/// <summary>A document refused before validation because it exceeds a <see cref="GraphQLLimits"/> option; the message names it.</summary>
public sealed class DocumentLimitError : DocumentError
{
    public DocumentLimitError(string message) : base(message)
    {
        Code = "DOCUMENT_LIMIT";
    }
}
