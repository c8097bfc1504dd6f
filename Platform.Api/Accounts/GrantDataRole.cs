using Marten.Patching;
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
        return await PersonChange.ApplyAsync(http, username, operation,
                   (session, person) => session.Patch<PlatformUser>(person.Id).Set(u => u.Grants, grants(person.Grants, role)),
                   endsSignIns: _ => endsSignIns,
                   refuse: person => notYourself(person) ?? NotAnAdministrator(person),
                   what: role)
               ?? Results.NoContent();
    }

    private static IResult? NotAnAdministrator(PlatformUser person) => person.Role == Roles.Admin
        ? null
        : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not an administrator",
            detail: $"Only administrators are granted a data role; '{person.Username}' is of role {person.Role} and reaches what that role does.");
}
