using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Platform.Api.Auth;

/// <summary>
/// What this host last read of access tokens' stored entries (valid, or revoked or gone), by token id, kept for
/// <see cref="TokenOptions.StatusCacheFor"/> so that a signed-in request does not read the database each time. A
/// revocation made through this host forgets everything (<see cref="Forget"/>), so it is refused here at once; one made
/// on another host is refused here once it is told (<see cref="TokenRevocations"/>), or else once the entry read before it
/// is older than the bound. At most
/// <see cref="TokenOptions.StatusCacheEntries"/> tokens are remembered.
/// </summary>
public sealed class TokenStatusCache(TimeProvider time, IOptions<TokenOptions> options)
{
    private readonly ConcurrentDictionary<string, Status> statuses = new(StringComparer.Ordinal);
    private long generation;
    private long lastSweptTicks;

    /// <summary>
    /// Taken before a token's entry is read and handed to <see cref="Remember"/> with what was read: a read that a
    /// revocation through this host may have overtaken is then not kept.
    /// </summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>Whether the token was valid when last read, if that was within the bound and after this host's last revocation; null when it must be read.</summary>
    public bool? Recall(string tokenId) =>
        statuses.TryGetValue(tokenId, out var status) && status.Generation == Generation && time.GetUtcNow() - status.ReadAt < options.Value.StatusCacheFor
            ? status.Valid
            : null;

    public void Remember(string tokenId, bool valid, long generationBeforeRead)
    {
        var now = time.GetUtcNow();
        if (options.Value.StatusCacheFor <= TimeSpan.Zero || generationBeforeRead != Generation)
        {
            return;
        }
        if (statuses.Count >= options.Value.StatusCacheEntries && !Swept(now))
        {
            return;
        }
        statuses[tokenId] = new Status(valid, now, generationBeforeRead);
    }

    /// <summary>Called after this host revoked tokens (its change committed): every status read before is read again.</summary>
    public void Forget()
    {
        Interlocked.Increment(ref generation);
        statuses.Clear();
    }

    /// <summary>Drops what is too old to be used; at most once per bound (one caller at a time), since nothing gets too old sooner. Whether room was made.</summary>
    private bool Swept(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastSweptTicks);
        if (now.UtcTicks - last < options.Value.StatusCacheFor.Ticks || Interlocked.CompareExchange(ref lastSweptTicks, now.UtcTicks, last) != last)
        {
            return false;
        }
        foreach (var (tokenId, status) in statuses)
        {
            if (now - status.ReadAt >= options.Value.StatusCacheFor || status.Generation != Generation)
            {
                statuses.TryRemove(tokenId, out _);
            }
        }
        return statuses.Count < options.Value.StatusCacheEntries;
    }

    private sealed record Status(bool Valid, DateTimeOffset ReadAt, long Generation);
}
