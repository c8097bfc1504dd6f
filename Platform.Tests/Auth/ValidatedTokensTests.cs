using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

/// <summary>When a host recalls a token it validated rather than validating it again (no host, no database).</summary>
public sealed class ValidatedTokensTests
{
    private readonly TestClock clock = new();
    private readonly DateTimeOffset start = TimeProvider.System.GetUtcNow();

    private (ValidatedTokens Tokens, TokenStatusCache Statuses) Caches(TimeSpan statusBound, int entries = 100)
    {
        var options = Options.Create(new TokenOptions { StatusCacheFor = statusBound, ValidatedTokenEntries = entries });
        var statuses = new TokenStatusCache(clock, options);
        return (new ValidatedTokens(clock, options, statuses), statuses);
    }

    private static AuthenticationTicket Ticket(string? tokenId, DateTimeOffset? expires, string name = "finance-system")
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(OpenIddictConstants.Claims.Subject, name)], "test"));
        principal.SetTokenId(tokenId);
        principal.SetExpirationDate(expires);
        return new AuthenticationTicket(principal, "test");
    }

    [Fact]
    public void A_token_is_recalled_while_its_status_is_recalled_valid_and_read_again_once_the_status_bound_has_passed()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromSeconds(30));
        clock.MoveTo(start);
        statuses.Remember("id-1", true, statuses.Generation);
        tokens.Remember("token-1", Ticket("id-1", start.AddHours(1)));

        clock.MoveTo(start.AddSeconds(29));
        Assert.Equal("finance-system", tokens.Recall("token-1")?.Principal.GetClaim(OpenIddictConstants.Claims.Subject));
        Assert.Null(tokens.Recall("token-2")); // only the exact token string

        clock.MoveTo(start.AddSeconds(31));
        Assert.Null(tokens.Recall("token-1"));
    }

    [Fact]
    public void A_token_whose_status_was_read_revoked_or_forgotten_by_a_revocation_here_is_not_recalled()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromSeconds(30));
        statuses.Remember("id-1", true, statuses.Generation);
        tokens.Remember("token-1", Ticket("id-1", start.AddHours(1)));
        Assert.NotNull(tokens.Recall("token-1"));

        statuses.Forget(); // this host revoked something
        Assert.Null(tokens.Recall("token-1"));

        statuses.Remember("id-1", false, statuses.Generation); // read again: revoked
        Assert.Null(tokens.Recall("token-1"));
    }

    [Fact]
    public void An_expired_token_is_not_recalled_however_long_its_status_may_be_kept()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromHours(2));
        clock.MoveTo(start);
        statuses.Remember("id-1", true, statuses.Generation);
        tokens.Remember("token-1", Ticket("id-1", start.AddMinutes(5)));

        clock.MoveTo(start.AddMinutes(4));
        Assert.NotNull(tokens.Recall("token-1"));
        clock.MoveTo(start.AddMinutes(5));
        Assert.Null(tokens.Recall("token-1"));
    }

    [Fact]
    public void A_token_without_an_id_or_an_expiry_is_not_kept_and_a_full_cache_is_emptied()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromSeconds(30), entries: 2);
        foreach (var id in new[] { "id-1", "id-2", "id-3" })
        {
            statuses.Remember(id, true, statuses.Generation);
        }
        tokens.Remember("no-id", Ticket(null, start.AddHours(1)));
        tokens.Remember("no-expiry", Ticket("id-1", null));
        Assert.Equal((null, null), (tokens.Recall("no-id"), tokens.Recall("no-expiry")));

        tokens.Remember("token-1", Ticket("id-1", start.AddHours(1)));
        tokens.Remember("token-2", Ticket("id-2", start.AddHours(1)));
        tokens.Remember("token-3", Ticket("id-3", start.AddHours(1)));
        Assert.Equal((false, false, true), (tokens.Recall("token-1") is not null, tokens.Recall("token-2") is not null, tokens.Recall("token-3") is not null));
    }

    [Fact]
    public void Each_recall_is_a_principal_of_its_own_so_a_request_that_adds_to_it_changes_no_other()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromSeconds(30));
        statuses.Remember("id-1", true, statuses.Generation);
        tokens.Remember("token-1", Ticket("id-1", start.AddHours(1)));

        ((ClaimsIdentity)tokens.Recall("token-1")!.Principal.Identity!).AddClaim(new Claim("role", "admin"));

        Assert.False(tokens.Recall("token-1")!.Principal.HasClaim("role", "admin"));
    }

    [Fact]
    public void What_the_first_request_does_to_its_own_principal_after_validation_is_not_remembered()
    {
        var (tokens, statuses) = Caches(TimeSpan.FromSeconds(30));
        statuses.Remember("id-1", true, statuses.Generation);
        var first = Ticket("id-1", start.AddHours(1));
        tokens.Remember("token-1", first);

        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim("role", "admin"));

        Assert.False(tokens.Recall("token-1")!.Principal.HasClaim("role", "admin"));
    }
}
