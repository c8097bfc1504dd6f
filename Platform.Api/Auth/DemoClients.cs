using System.Security.Cryptography;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Auth;

/// <summary>One demo client's credentials, as written to <c>.data/demo-credentials.json</c>.</summary>
public sealed record DemoClient(string Role, string ClientId, string ClientSecret, string? Agency);

/// <summary>One demo person's password, as written to <c>.data/demo-credentials.json</c>.</summary>
public sealed record DemoUser(string Role, string Username, string Password, string? Agency, string? Office);

/// <summary>The demo credentials file: a client per role (per agency) and a person per role. A file from before people signed in has no users.</summary>
public sealed record DemoCredentials(IReadOnlyList<DemoClient> Clients, IReadOnlyList<DemoUser>? Users = null);

/// <summary>
/// Ensures one client-credentials client per role (one per demo agency for the agency role). Secrets are generated
/// on first start, never stored in source; a client whose secret was lost from the file gets a new one.
/// </summary>
public sealed class DemoClients(IOpenIddictApplicationManager applications)
{
    public sealed record Wanted(string Role, string ClientId, string DisplayName, string? Agency);

    public async Task<DemoCredentials> EnsureAsync(IEnumerable<Wanted> wanted, DemoCredentials? known, CancellationToken ct)
    {
        var result = new List<DemoClient>();
        foreach (var client in wanted)
        {
            var existing = await applications.FindByClientIdAsync(client.ClientId, ct);
            var knownSecret = known?.Clients.FirstOrDefault(c => c.ClientId == client.ClientId)?.ClientSecret;
            if (existing is not null && knownSecret is not null)
            {
                result.Add(new DemoClient(client.Role, client.ClientId, knownSecret, client.Agency));
                continue;
            }

            var secret = NewSecret();
            var descriptor = Describe(client, secret);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, ct);
            }
            else
            {
                await applications.PopulateAsync(existing, descriptor, ct);
                await applications.UpdateAsync(existing, secret, ct);
            }
            result.Add(new DemoClient(client.Role, client.ClientId, secret, client.Agency));
        }
        return new DemoCredentials(result);
    }

    /// <summary>What a client-credentials client of a role is allowed: the token endpoint, the grant, its role's scope.</summary>
    public static OpenIddictApplicationDescriptor Describe(Wanted client, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.DisplayName,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.Prefixes.Scope + client.Role,
            },
        };
        descriptor.Properties[IssueToken.RoleProperty] = JsonSerializer.SerializeToElement(client.Role);
        if (client.Agency is not null)
        {
            descriptor.Properties[IssueToken.AgencyProperty] = JsonSerializer.SerializeToElement(client.Agency);
        }
        return descriptor;
    }

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
