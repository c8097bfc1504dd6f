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
