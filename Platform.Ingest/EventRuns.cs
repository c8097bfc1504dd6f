using JasperFx.Events;

namespace Platform.Ingest;

/// <summary>
/// A projection's batch of events cut into runs that one set-based statement can apply: consecutive events of one type,
/// no stream twice in a run (an UPDATE ... FROM would apply only one of two rows for the same target), in the order they
/// were appended.
/// </summary>
public static class EventRuns
{
    public static IEnumerable<IReadOnlyList<IEvent>> Of(IEnumerable<IEvent> events)
    {
        var run = new List<IEvent>();
        var streams = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (run.Count > 0 && (run[0].EventType != e.EventType || !streams.Add(e.StreamKey!)))
            {
                yield return run;
                run = [];
                streams.Clear();
                streams.Add(e.StreamKey!);
            }
            else if (run.Count == 0)
            {
                streams.Add(e.StreamKey!);
            }
            run.Add(e);
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
