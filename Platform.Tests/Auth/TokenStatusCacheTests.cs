using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>What a host remembers of tokens' stored statuses, and when it reads them again (no host, no database).</summary>
public sealed class TokenStatusCacheTests
{
    private readonly TestClock clock = new();
    private readonly DateTimeOffset start = TimeProvider.System.GetUtcNow();

    private TokenStatusCache Cache(TimeSpan? bound = null, int entries = 100) =>
        new(clock, Options.Create(new TokenOptions { StatusCacheFor = bound ?? TimeSpan.FromSeconds(30), StatusCacheEntries = entries }));

    [Fact]
    public void A_status_is_recalled_within_the_bound_and_read_again_after_it()
    {
        var cache = Cache();
        clock.MoveTo(start);
        cache.Remember("valid", true, cache.Generation);
        cache.Remember("revoked", false, cache.Generation);

        clock.MoveTo(start.AddSeconds(29));
        Assert.Equal((true, false), (cache.Recall("valid"), cache.Recall("revoked")));
        Assert.Null(cache.Recall("never-read"));

        clock.MoveTo(start.AddSeconds(31)); // the clock runs on: both were read a moment after start
        Assert.Equal((null, null), (cache.Recall("valid"), cache.Recall("revoked")));
    }

    [Fact]
    public void A_revocation_through_this_host_forgets_every_status()
    {
        var cache = Cache();
        cache.Remember("valid", true, cache.Generation);

        cache.Forget();

        Assert.Null(cache.Recall("valid"));
    }

    [Fact]
    public void A_read_that_a_revocation_overtook_is_not_kept()
    {
        var cache = Cache();
        var before = cache.Generation;

        cache.Forget(); // committed while the entry was being read, which may then have seen it valid
        cache.Remember("valid", true, before);

        Assert.Null(cache.Recall("valid"));
    }

    [Fact]
    public void A_bound_of_zero_remembers_nothing()
    {
        var cache = Cache(TimeSpan.Zero);
        cache.Remember("valid", true, cache.Generation);
        Assert.Null(cache.Recall("valid"));
    }

    [Fact]
    public void When_full_further_tokens_are_read_each_time_until_the_old_statuses_have_passed_the_bound()
    {
        var cache = Cache(entries: 2);
        clock.MoveTo(start);
        cache.Remember("first", true, cache.Generation);
        cache.Remember("second", true, cache.Generation);
        cache.Remember("third", true, cache.Generation);
        Assert.Equal((true, true, null), (cache.Recall("first"), cache.Recall("second"), cache.Recall("third")));

        clock.MoveTo(start.AddSeconds(31));
        cache.Remember("third", true, cache.Generation);
        Assert.Equal((null, null, true), (cache.Recall("first"), cache.Recall("second"), cache.Recall("third")));
    }
}
