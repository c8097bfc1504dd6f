using Marten;
using Platform.Templates.Negotiation;
using Platform.Templates.Standard;

namespace Platform.Api.Templates;

public static class TemplateSeed
{
    /// <summary>Starts the stream of each standard template that does not exist yet, active at version 1.</summary>
    public static async Task SeedStandardAsync(IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        foreach (var standard in StandardTemplates.All)
        {
            if (await session.Events.FetchStreamStateAsync(standard.Descriptor.Id, ct) is null)
            {
                session.Events.StartStream<Template>(standard.Descriptor.Id, StandardAgreement.Events(standard, time.GetUtcNow()));
            }
        }
        await session.SaveChangesAsync(ct);
    }
}
