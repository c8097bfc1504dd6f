using Platform.Api.Auth;

namespace Platform.Api.Accounts;

/// <summary>Administrators remove a person: they can no longer sign in and the tokens they hold are refused at once. Nobody removes themselves.</summary>
public static class RemovePerson
{
    public static void MapRemovePerson(this RouteGroupBuilder people) =>
        people.MapDelete("/{username}", async (string username, HttpContext http) =>
                await PersonChange.ApplyAsync(http, username, "person.remove", (session, person) => session.Delete<PlatformUser>(person.Id),
                    endsSignIns: _ => true, refuse: PersonChange.NotToYourself(http, "remove")) ?? Results.NoContent())
            .WithSummary("Remove a person: they cannot sign in and their tokens are refused at once (administrators; not yourself)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
