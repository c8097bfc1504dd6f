using Platform.Api.Access;
using System.Security.Claims;
using Marten;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Taxpayers;

/// <summary>
/// One access to taxpayer-level data (DESIGN: confidentiality, every access audited): who, as what role, which
/// taxpayer, what they read, and when. Written before the data is returned, each in a session of its own: reads that
/// run side by side (aliased GraphQL fields resolve in parallel) must not share one unit of work.
/// </summary>
public sealed record AccessAudit(Guid Id, DateTimeOffset At, string ClientId, string Role, string Subject, string What, string? Purpose = null)
{
    public static async Task RecordAsync(IDocumentStore store, ClaimsPrincipal user, TimeProvider time, string subject, string what,
        CancellationToken ct, string? purpose = null)
    {
        await using var session = store.LightweightSession();
        session.Insert(new AccessAudit(Guid.CreateVersion7(), time.GetUtcNow(), user.GetClaim(Claims.Subject) ?? "", user.GetClaim(Claims.Role) ?? "",
            subject, what, purpose));
        await session.SaveChangesAsync(ct);
    }
}
