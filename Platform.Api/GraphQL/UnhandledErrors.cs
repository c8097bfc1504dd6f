using GraphQL;
using GraphQL.Execution;
using Platform.Ingest;

namespace Platform.Api.GraphQL;

/// <summary>
/// Errors a resolver did not expect, answered with the platform's codes and words instead of the names of the parts that
/// threw (<c>POSTGRES</c>, <c>MARTEN_COMMAND</c>, <c>EVENT_STREAM_UNEXPECTED_MAX_EVENT_ID</c>; attacker review,
/// 2026-12-02): a value PostgreSQL does not store is <c>INVALID</c>, two changes to one lead at once <c>CONFLICT</c>, the
/// database out of reach <c>DATABASE_UNAVAILABLE</c> (as REST answers 503). Anything else keeps GraphQL.NET's answer,
/// which shows no details.
/// </summary>
public static class UnhandledErrors
{
    public static Task MapAsync(UnhandledExceptionContext context)
    {
        var original = context.OriginalException;
        context.Exception = original switch
        {
            _ when DatabaseFaults.IsUnstorableText(original) => new ExecutionError(DatabaseFaults.UnstorableTextAdvice) { Code = "INVALID" },
            _ when DatabaseFaults.IsTransient(original) => new ExecutionError(DatabaseFaults.UnavailableAdvice) { Code = "DATABASE_UNAVAILABLE" },
            _ when DatabaseFaults.IsConcurrentChange(original) => new ExecutionError(
                "Someone else changed this at the same moment; read it again and retry if your step still applies.") { Code = "CONFLICT" },
            _ => context.Exception,
        };
        return Task.CompletedTask;
    }
}
