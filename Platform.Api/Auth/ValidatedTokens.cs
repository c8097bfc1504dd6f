using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Platform.Api.Auth;

/// <summary>
/// Access tokens this host validated in full (OpenIddict: signature, issuer, audience, lifetime, and the stored entry
/// through <see cref="TokenStatusCache"/>), by the token itself, with what they authenticate: a request bearing one of
/// them skips the signature check and the claims building, about half of what a signed-in request costs
/// (<c>ops/bench auth</c>). A token is recalled only while it has not expired and its stored status is still recalled as
/// valid (<see cref="TokenStatusCache.Recall"/>), so revocation holds exactly as without this cache: at once on the host
/// that revoked, within <see cref="TokenOptions.StatusCacheFor"/> on the others. Only the exact token string is recalled
/// (a forged or altered token is never in it). At most <see cref="TokenOptions.ValidatedTokenEntries"/> tokens; a full
/// cache is emptied and refills with the tokens in use.
/// </summary>
public sealed class ValidatedTokens(TimeProvider time, IOptions<TokenOptions> options, TokenStatusCache statuses)
{
    private readonly ConcurrentDictionary<string, Validated> tokens = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="token"/> authenticates, a copy for this request, if it may be used without validating it again.</summary>
    public AuthenticationTicket? Recall(string token) =>
        tokens.TryGetValue(token, out var validated) && time.GetUtcNow() < validated.Expires && statuses.Recall(validated.TokenId) == true
            ? Copy(validated.Ticket)
            : null;

    /// <summary>
    /// A ticket that shares nothing a request could change with the one it copies: copies of the identities
    /// (<see cref="ClaimsPrincipal.Clone"/> shares them) and of the properties' items; not the properties' parameters,
    /// where OpenIddict leaves objects of its own (the token's principal) that nothing here reads.
    /// </summary>
    private static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(new ClaimsPrincipal(ticket.Principal.Identities.Select(identity => identity.Clone())),
            new AuthenticationProperties(new Dictionary<string, string?>(ticket.Properties.Items)), ticket.AuthenticationScheme);

    /// <summary>Keeps what OpenIddict just validated for <paramref name="token"/> (a token without an id or expiry is not kept).</summary>
    public void Remember(string token, AuthenticationTicket ticket)
    {
        if (ticket.Principal.GetTokenId() is not { Length: > 0 } tokenId || ticket.Principal.GetExpirationDate() is not { } expires)
        {
            return;
        }
        if (tokens.Count >= options.Value.ValidatedTokenEntries)
        {
            tokens.Clear();
        }
        tokens[token] = new Validated(Copy(ticket), tokenId, expires); // the first request goes on with the original
    }

    private sealed record Validated(AuthenticationTicket Ticket, string TokenId, DateTimeOffset Expires);
}
