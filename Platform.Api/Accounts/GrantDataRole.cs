using Marten;
using Marten.Patching;
using OpenIddict.Abstractions;
using Platform.Api.Access;
using Platform.Api.Auth;
using Platform.Templates.Checks;

namespace Platform.Api.Accounts;

/// <summary>
/// DESIGN gives administrators no taxpayer data unless granted: another administrator grants one a data role
/// (<see cref="Roles.Grantable"/>: the analyst's), never the administrator themselves, and takes it away. A grant shows
/// in the person's next tokens (sign in again, or refresh); taking it away ends their sign-ins, so its scope stops at once.
/// </summary>
public static class GrantDataRole
{
    public static void MapGrantDataRole(this RouteGroupBuilder people)
    {
        people.MapPost("/{username}/grants/{role}", (string username, string role, HttpContext http) =>
                ChangeAsync(http, username, role, "person.grant", (grants, r) => [.. grants.Union([r])], endsSignIns: false))
            .WithSummary("Grant an administrator a data role (analyst), so that their next tokens reach what analysts do (administrators; " +
                         "not yourself)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        people.MapDelete("/{username}/grants/{role}", (string username, string role, HttpContext http) =>
                ChangeAsync(http, username, role, "person.ungrant", (grants, r) => [.. grants.Except([r])], endsSignIns: true))
            .WithSummary("Take a granted data role away; the person's tokens are refused at once (administrators; not yourself)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, string username, string role, string operation,
        Func<IReadOnlyList<string>, string, string[]> grants, bool endsSignIns)
    {
        if (!Roles.Grantable.Contains(role))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["role"] = [$"'{role}' cannot be granted; an administrator may be granted {string.Join(", ", Roles.Grantable)}."],
            });
        }
        var notYourself = PersonChange.NotToYourself(http, "change the data roles of");
        var granting = !endsSignIns;
        var addedBy = granting ? await AddersOfCallerAsync(http) : [];
        var jurisdiction = AccessPolicy.JurisdictionOf(http.User);
        return await PersonChange.ApplyAsync(http, username, operation,
                   (session, person) => session.Patch<PlatformUser>(person.Id).Set(u => u.Grants, grants(person.Grants, role)),
                   endsSignIns: _ => endsSignIns,
                   refuse: person => notYourself(person) ?? NotAnAdministrator(person) ??
                                     (granting ? AddedYou(person, addedBy) ?? BeyondYourJurisdiction(person, jurisdiction) : null),
                   what: role)
               ?? Results.NoContent();
    }

    /// <summary>The line of people who added the caller, the caller's adder first (bounded: a line is a handful long).</summary>
    private static async Task<HashSet<string>> AddersOfCallerAsync(HttpContext http)
    {
        var adders = new HashSet<string>();
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        var subject = http.User.GetClaim(OpenIddictConstants.Claims.Subject);
        for (var step = 0; step < 64 && Guid.TryParse(subject, out var id); step++)
        {
            subject = (await session.LoadAsync<PlatformUser>(id, http.RequestAborted))?.AddedBy;
            if (subject is null || !adders.Add(subject))
            {
                break;
            }
        }
        return adders;
    }

    /// <summary>
    /// A grant comes from an administrator the grantee did not make: otherwise one administrator adds a second account
    /// and has it grant them taxpayer data (attacker review, 2026-12-02), which the rule "never to yourself" is there to stop.
    /// </summary>
    private static IResult? AddedYou(PlatformUser person, HashSet<string> addedBy) => addedBy.Contains(person.Id.ToString())
        ? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not to who added you",
            detail: $"'{person.Username}' added you, or the person who added you: a data role is granted by an administrator they did not add. " +
                    "Ask another administrator.")
        : null;

    private static IResult? BeyondYourJurisdiction(PlatformUser person, string? jurisdiction) =>
        jurisdiction is null || (person.Jurisdiction is { } theirs && SubjectDivision.IsWithin(theirs, jurisdiction))
            ? null
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Beyond your jurisdiction",
                detail: $"'{person.Username}' has the jurisdiction {person.Jurisdiction ?? "of the whole city"}, beyond yours ({jurisdiction}): a data role " +
                        "is granted within the granter's jurisdiction. Ask an administrator whose jurisdiction covers theirs.");

    private static IResult? NotAnAdministrator(PlatformUser person) => person.Role == Roles.Admin
        ? null
        : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not an administrator",
            detail: $"Only administrators are granted a data role; '{person.Username}' is of role {person.Role} and reaches what that role does.");
}
