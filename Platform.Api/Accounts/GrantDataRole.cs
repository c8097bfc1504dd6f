using Marten;
using Marten.Patching;
using OpenIddict.Abstractions;
using Platform.Api.Auth;

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
        var related = granting ? await RelatedByAdditionAsync(http, username) : null;
        return await PersonChange.ApplyAsync(http, username, operation,
                   (session, person) => session.Patch<PlatformUser>(person.Id).Set(u => u.Grants, grants(person.Grants, role)),
                   endsSignIns: _ => endsSignIns,
                   refuse: person => notYourself(person) ?? NotAnAdministrator(person) ??
                                     (related?.Contains(person.Id.ToString()) == true ? RelatedByAddition(person) : null),
                   what: role)
               ?? Results.NoContent();
    }

    /// <summary>
    /// The people up the caller's line of additions (who added them, who added that one, ...), and, when the grantee is one
    /// the caller added down a line, the grantee's id too: those a grant between the two is refused for.
    /// </summary>
    private static async Task<HashSet<string>> RelatedByAdditionAsync(HttpContext http, string username)
    {
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession();
        var caller = http.User.GetClaim(OpenIddictConstants.Claims.Subject);
        var related = await LineAsync(session, caller, http.RequestAborted);
        var normalized = People.Normalize(username);
        if (await session.Query<PlatformUser>().FirstOrDefaultAsync(u => u.Username == normalized, http.RequestAborted) is { } grantee &&
            caller is not null && (await LineAsync(session, grantee.Id.ToString(), http.RequestAborted)).Contains(caller))
        {
            related.Add(grantee.Id.ToString());
        }
        return related;
    }

    /// <summary>Who added <paramref name="subject"/>, who added them, and so on (bounded: a line is a handful long).</summary>
    private static async Task<HashSet<string>> LineAsync(IQuerySession session, string? subject, CancellationToken ct)
    {
        var line = new HashSet<string>();
        for (var step = 0; step < 64 && Guid.TryParse(subject, out var id); step++)
        {
            subject = (await session.LoadAsync<PlatformUser>(id, ct))?.AddedBy;
            if (subject is null || !line.Add(subject))
            {
                break;
            }
        }
        return line;
    }

    /// <summary>
    /// A grant comes from an administrator independent of the grantee: not one the grantee added, nor one who added the
    /// grantee (down a line either way). Otherwise an administrator adds a second account, whose password they chose, and
    /// one grants the other taxpayer data (attacker review and its review, 2026-12-02), which "never to yourself" is there
    /// to stop.
    /// </summary>
    private static IResult RelatedByAddition(PlatformUser person) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not between who added whom",
            detail: $"You added '{person.Username}', or they added you (directly or down a line of additions): a data role is granted by an " +
                    "administrator independent of the grantee. Ask another administrator.");

    private static IResult? NotAnAdministrator(PlatformUser person) => person.Role == Roles.Admin
        ? null
        : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not an administrator",
            detail: $"Only administrators are granted a data role; '{person.Username}' is of role {person.Role} and reaches what that role does.");
}
