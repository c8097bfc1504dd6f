using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Platform.Api.Auth;

/// <summary>
/// Refuses an access token whose stored entry is revoked or gone (a revoked client, a person locked, removed, reset or
/// ungranted, a sign-out), as OpenIddict's token entry validation does, but through <see cref="TokenStatusCache"/>: the
/// entry is read at most once per <see cref="TokenOptions.StatusCacheFor"/> per token on each host, not on every request.
/// Runs where that check would (its place in the pipeline), after the signature, lifetime and audience are checked, so only
/// tokens the platform issued reach the database.
/// </summary>
public sealed class ValidateTokenStatus(IServiceScopeFactory scopes, TokenStatusCache cache) : IOpenIddictValidationHandler<ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<ValidateTokenStatus>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateTokenEntry.Descriptor.Order)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        var tokenId = context.Principal?.GetTokenId();
        var valid = !string.IsNullOrEmpty(tokenId) && (cache.Recall(tokenId) ?? await ReadAsync(tokenId, context.CancellationToken));
        if (!valid)
        {
            context.Reject(Errors.InvalidToken, "The access token was revoked or is no longer known; ask for a new one.");
        }
    }

    private async Task<bool> ReadAsync(string tokenId, CancellationToken ct)
    {
        var generation = cache.Generation;
        await using var scope = scopes.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var valid = await tokens.FindByIdAsync(tokenId, ct) is { } token && await tokens.HasStatusAsync(token, Statuses.Valid, ct);
        cache.Remember(tokenId, valid, generation);
        return valid;
    }
}
