using GraphQL;
using GraphQL.Instrumentation;

namespace Platform.Api.GraphQL;

/// <summary>
/// A request's field resolvers run at most <see cref="GraphQLLimits.FieldsAtOnce"/> at a time; the others wait their
/// turn. GraphQL.NET resolves sibling fields in parallel, and each that reads the database does so on a connection of
/// its own: ten aliased <c>taxpayer</c> reads took ten connections at once, and 36 aliased <c>leads</c> under one
/// <c>taxpayer</c> 32 (attacker review, 2026-12-02), so every field is held, not only the top-level ones. A parent's
/// resolver has returned before its children start, so a request never waits on itself; what the batch loaders load
/// for a level is one statement, run after the level's resolvers.
/// </summary>
public sealed class FieldGate : IFieldMiddleware
{
    /// <summary>The request's turns (a scoped service: one per HTTP request, which the GraphQL request runs in).</summary>
    public sealed class Turns(GraphQLLimits limits) : IDisposable
    {
        public SemaphoreSlim Gate { get; } = new(limits.FieldsAtOnce, limits.FieldsAtOnce);

        public void Dispose() => Gate.Dispose();
    }

    public async ValueTask<object?> ResolveAsync(IResolveFieldContext context, FieldMiddlewareDelegate next)
    {
        if (context.RequestServices?.GetService<Turns>() is not { } turns)
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
