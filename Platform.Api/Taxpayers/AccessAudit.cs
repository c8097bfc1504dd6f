using System.Security.Claims;
using Marten;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Taxpayers;

/// <summary>
/// One access to taxpayer-level data (DESIGN: confidentiality, every access audited): who, as what role, which
/// taxpayer, what they read, and when. Written in the same session as nothing else, before the data is returned.
/// </summary>
public sealed record AccessAudit(Guid Id, DateTimeOffset At, string ClientId, string Role, string Subject, string What)
{
    public static async Task RecordAsync(IDocumentSession session, ClaimsPrincipal user, TimeProvider time, string subject, string what,
        CancellationToken ct)
    {
        session.Insert(new AccessAudit(Guid.CreateVersion7(), time.GetUtcNow(), user.GetClaim(Claims.Subject) ?? "", user.GetClaim(Claims.Role) ?? "",
            subject, what));
        await session.SaveChangesAsync(ct);
    }
}
