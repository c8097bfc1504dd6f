using Platform.Templates.Standard;

namespace Platform.Templates.Negotiation;

/// <summary>
/// The events that bring a shipped template to active through the ordinary steps, both sides agreeing as
/// <c>platform-seed</c>: seed data follows the same rules as a negotiated template.
/// </summary>
public static class StandardAgreement
{
    public const string Seeder = "platform-seed";

    public static IReadOnlyList<object> Events(StandardTemplate standard, DateTimeOffset now)
    {
        var d = standard.Descriptor;
        var bureau = new Actor(Seeder, Side.Bureau);
        var agency = new Actor(Seeder, Side.Agency, d.Agency);
        Func<Template?, Decision>[] steps =
        [
            s => new DraftTemplate(d.Id, d.Agency, d.Kind, d.Title, d.TitleEn, standard.Schema, "Standard template shipped with the platform").Decide(s, bureau, now),
            s => new ProposeTemplate(1).Decide(s, d.Id, bureau, now),
            s => new AgreeToTemplate(1).Decide(s, d.Id, agency, now),
            s => new AgreeToTemplate(1).Decide(s, d.Id, bureau, now),
            s => new ActivateTemplate(1).Decide(s, d.Id, bureau, now),
        ];
        var events = new List<object>();
        Template? state = null;
        foreach (var step in steps)
        {
            var decision = step(state);
            if (decision.Refusal is { } refusal)
            {
                throw new InvalidOperationException($"Standard template '{d.Id}' cannot be agreed: {refusal.Message}");
            }
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, Template.Fold);
        }
        return events;
    }
}
