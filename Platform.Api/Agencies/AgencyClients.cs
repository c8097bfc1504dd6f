using Platform.Api.Access;
using System.Security.Cryptography;
using Marten;
using OpenIddict.Abstractions;
using Platform.Api.Audit;
using Platform.Api.Auth;

namespace Platform.Api.Agencies;

/// <summary>Client credentials issued to an agency's system; the secret is shown once, when issued.</summary>
public sealed record AgencyClient(string ClientId, string ClientSecret, string Agency);

/// <summary>
/// Administrators issue client credentials to an agency's system (an agency-role client bound to that agency) and
/// revoke them. Rotating a secret is issuing a new client and revoking the old one, so the old one works until then.
/// Each is audited before it is made (OpenIddict's store is not Marten's, so they cannot share a transaction): an
/// audit that fails stops the change, and a change that fails after its entry leaves an entry for an attempt.
/// </summary>
public static class AgencyClients
{
    public static void MapAgencyClients(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/api/agencies/{id}/clients").WithTags("Agencies").RequireAccess(Operation.ManageAgencies);
        clients.MapPost("/", Issue)
            .WithSummary("Issue client credentials for an agency's system (administrators); the secret is shown this once")
            .Produces<AgencyClient>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound);
        clients.MapDelete("/{clientId}", Revoke)
            .WithSummary("Revoke an agency's client credentials (administrators); its tokens are refused from then on")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Issue(string id, IQuerySession session, IOpenIddictApplicationManager applications, AuditTrail audit,
        HttpContext http, CancellationToken ct)
    {
        if (await session.LoadAsync<Agency>(id, ct) is not { } agency)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Agency not found",
                detail: $"There is no agency '{id}'; register it first (POST /api/agencies).");
        }
        var clientId = $"{agency.Id}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var secret = DemoClients.NewSecret();
        await audit.RecordAsync(http, "client.issue", [agency.Id, clientId], null, null, ct);
        await applications.CreateAsync(DemoClients.Describe(new DemoClients.Wanted(Roles.Agency, clientId, $"{agency.Name} system", agency.Id), secret), ct);
        return Results.Created($"/api/agencies/{agency.Id}/clients/{clientId}", new AgencyClient(clientId, secret, agency.Id));
    }

    private static async Task<IResult> Revoke(string id, string clientId, IOpenIddictApplicationManager applications, AuditTrail audit,
        HttpContext http, CancellationToken ct)
    {
        var client = await applications.FindByClientIdAsync(clientId, ct);
        var properties = client is null ? null : await applications.GetPropertiesAsync(client, ct);
        if (client is null || properties is null || !properties.TryGetValue(IssueToken.AgencyProperty, out var agency) || agency.GetString() != id)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Client not found",
                detail: $"Agency '{id}' has no client '{clientId}'.");
        }
        await audit.RecordAsync(http, "client.revoke", [id, clientId], null, null, ct);
        await applications.DeleteAsync(client, ct);
        await http.RequestServices.GetRequiredService<TokenRevocations>().RevokedAsync();
        return Results.NoContent();
    }
}
