using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Platform.Ingest;

/// <summary>
/// A single-stream snapshot folded by the domain's own pure fold (<c>Template.Fold</c>, <c>Submission.Fold</c>),
/// subscribed to exactly the stream's event types: the store and the decisions share one definition of each event.
/// </summary>
public class FoldProjection<TDoc> : SingleStreamProjection<TDoc, string> where TDoc : class
{
    private readonly Func<TDoc?, object, TDoc> fold;

    public FoldProjection(IEnumerable<Type> eventTypes, Func<TDoc?, object, TDoc> fold)
    {
        this.fold = fold;
        foreach (var type in eventTypes)
        {
            IncludeType(type);
        }
    }

    public override TDoc? Evolve(TDoc? snapshot, string id, IEvent e) => fold(snapshot, e.Data);
}
