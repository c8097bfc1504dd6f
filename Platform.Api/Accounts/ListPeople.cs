using Marten;
using Platform.Api.Auth;

namespace Platform.Api.Accounts;

/// <summary>Administrators list the people who sign in, or read one; no password hash leaves the platform.</summary>
public static class ListPeople
{
    public static void MapListPeople(this RouteGroupBuilder people)
    {
        people.MapGet("/", async (IQuerySession session, TimeProvider time, CancellationToken ct) =>
                (await session.Query<PlatformUser>().OrderBy(u => u.Username).ToListAsync(ct)).Select(u => PersonView.From(u, time.GetUtcNow())).ToList())
            .WithSummary("Everyone who signs in, by username: role, agency or office and jurisdiction, whether locked (administrators)")
            .Produces<List<PersonView>>();

        people.MapGet("/{username}", async (string username, IQuerySession session, TimeProvider time, CancellationToken ct) =>
                await session.Query<PlatformUser>().FirstOrDefaultAsync(u => u.Username == People.Normalize(username), ct) is { } user
                    ? Results.Ok(PersonView.From(user, time.GetUtcNow()))
                    : PersonChange.NotFound(username))
            .WithSummary("One person who signs in (administrators)")
            .Produces<PersonView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
