using JasperFx.Events;
using Marten.Events.Aggregation;
using Platform.Templates.Negotiation;

namespace Platform.Api.Templates;

/// <summary>
/// The <see cref="Template"/> snapshot, folded by the domain's own <see cref="Template.Evolve"/>: the store and the
/// pure decisions share one definition of how each event changes a template.
/// </summary>
public sealed class TemplateProjection : SingleStreamProjection<Template, string>
{
    public override Template? Evolve(Template? snapshot, string id, IEvent e) => Template.Evolve(snapshot, e.Data);
}
