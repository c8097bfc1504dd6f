using Npgsql;

namespace Platform.Ingest;

/// <summary>How the platform tells database faults apart, wherever it meets one (requests, the worker, uploads).</summary>
public static class DatabaseFaults
{
    /// <summary>PostgreSQL unreachable, restarting or shutting down: worth retrying later, not the caller's fault.</summary>
    public static bool IsTransient(Exception e) => Any(e, inner =>
        inner is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException or TimeoutException ||
        inner is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" });

    /// <summary>A unique index refused a row (23505): someone else stored the same thing first.</summary>
    public static bool IsUniqueViolation(Exception e) => Any(e, inner => inner is PostgresException { SqlState: "23505" });

    /// <summary>
    /// Two writers appended to one event stream (a lead, a template) at the same moment and this one lost: Marten's
    /// optimistic concurrency, anywhere in the chain. Worth reading again and retrying, not a fault.
    /// </summary>
    public static bool IsConcurrentChange(Exception e) => Any(e, inner =>
        inner is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException);

    /// <summary>
    /// Text PostgreSQL does not store: a NUL character (U+0000) in a text value (22021), or <c>\u0000</c> in a JSON one
    /// (22P05). The caller's to remove, not a fault of the platform's.
    /// </summary>
    public static bool IsUnstorableText(Exception e) => Any(e, inner => inner is PostgresException { SqlState: "22021" or "22P05" });

    /// <summary>The words an answer to <see cref="IsTransient"/> says, over REST and GraphQL alike.</summary>
    public const string UnavailableAdvice = "The platform cannot reach its database just now; nothing was changed. Retry in a little while.";

    /// <summary>The words a refusal of <see cref="IsUnstorableText"/> says.</summary>
    public const string UnstorableTextAdvice =
        "A value holds a NUL character (U+0000, \\u0000 in JSON), which the platform does not store; remove it and send again.";

    private static bool Any(Exception e, Func<Exception, bool> matches)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (matches(inner))
            {
                return true;
            }
        }
        return false;
    }
}
