using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class TokenPruningTests(ClockedPlatformFactory platform) : IClassFixture<ClockedPlatformFactory>
{
    [Fact]
    public async Task One_pass_deletes_an_expired_token_older_than_the_threshold_and_keeps_a_current_one()
    {
        var now = TimeProvider.System.GetUtcNow();
        platform.Clock.MoveTo(now.AddDays(-15));
        await platform.AccessTokenAsync(Roles.Officer);
        platform.Clock.MoveTo(now);
        await platform.AccessTokenAsync(Roles.Officer);
        Assert.Equal(2, await StoredTokensAsync("demo-officer"));

        var pruning = platform.Services.GetServices<IHostedService>().OfType<TokenPruning>().Single();
        Assert.True(await pruning.PruneOnceAsync(CancellationToken.None) >= 1);

        Assert.Equal(0, await StoredTokensAsync("demo-officer", createdBefore: now.AddDays(-14)));
        Assert.Equal(1, await StoredTokensAsync("demo-officer"));
    }

    private async Task<int> StoredTokensAsync(string subject, DateTimeOffset? createdBefore = null)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var count = 0;
        await foreach (var token in tokens.FindBySubjectAsync(subject, CancellationToken.None))
        {
            if (createdBefore is null || await tokens.GetCreationDateAsync(token, CancellationToken.None) < createdBefore)
            {
                count++;
            }
        }
        return count;
    }
}
