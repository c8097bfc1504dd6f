using GraphQL;
using GraphQL.Instrumentation;

namespace Platform.Api.GraphQL;

/// <summary>
/// A query's top-level fields resolve at most <see cref="GraphQLLimits.RootFieldsAtOnce"/> at a time; the others wait
/// their turn. GraphQL.NET resolves a query's top-level fields in parallel, and each reads the database on a connection
/// of its own: ten aliased <c>taxpayer</c> reads in one request took ten connections at once (attacker review,
/// 2026-12-02). Nested fields load through the batch loaders and are not held. Mutations' top-level fields already run
/// one after another.
/// </summary>
public sealed class RootFieldGate : IFieldMiddleware
{
    /// <summary>The request's turns (a scoped service: one per HTTP request, which the GraphQL request runs in).</summary>
    public sealed class Turns(GraphQLLimits limits) : IDisposable
    {
        public SemaphoreSlim Gate { get; } = new(limits.RootFieldsAtOnce, limits.RootFieldsAtOnce);

        public void Dispose() => Gate.Dispose();
    }

    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        if (context.Operation.Operation != GraphQLParser.AST.OperationType.Query || context.ParentType != context.Schema.Query ||
            context.RequestServices?.GetService<Turns>() is not { } turns)
        {
            return await next(context);
        }
        await turns.Gate.WaitAsync(context.CancellationToken);
        try
        {
            return await next(context);
        }
        finally
        {
            turns.Gate.Release();
        }
    }
}
