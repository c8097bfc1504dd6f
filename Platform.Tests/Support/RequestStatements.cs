using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Platform.Tests.Support;

/// <summary>
/// Counts the statements (Npgsql's activities: one per command or batch, so one per round trip) that HTTP requests send to
/// one platform's database while it listens: only those under a request's hosting activity, so the background writers
/// and daemons running beside it are not counted.
/// </summary>
public sealed class RequestStatements : IDisposable
{
    private readonly ConcurrentQueue<string> statements = new();
    private readonly ActivityListener listener;

    public RequestStatements(PlatformFactory platform)
    {
        var database = new NpgsqlConnectionStringBuilder(platform.ConnectionString).Database;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Npgsql" && activity.TagObjects.Any(t => t.Value as string == database) && InRequest(activity))
                {
                    statements.Enqueue(activity.DisplayName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>The statements counted since the last <see cref="Clear"/>.</summary>
    public int Count => statements.Count;

    public void Clear() => statements.Clear();

    private static bool InRequest(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn")
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose() => listener.Dispose();
}
