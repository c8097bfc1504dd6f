using Marten.Patching;
using Platform.Api.Auth;

namespace Platform.Api.Accounts;

/// <summary>
/// Administrators lock a person out (every password refused, no token issued, and the tokens they hold refused at once)
/// until one unlocks them; unlocking also clears a lockout after wrong passwords. Nobody locks themselves.
/// </summary>
public static class LockPerson
{
    public static void MapLockPerson(this RouteGroupBuilder people)
    {
        people.MapPost("/{username}/lock", async (string username, HttpContext http) =>
                await PersonChange.ApplyAsync(http, username, "person.lock",
                    (session, person) => session.Patch<PlatformUser>(person.Id).Set(u => u.Locked, true),
                    endsSignIns: _ => true, refuse: PersonChange.NotToYourself(http, "lock")) ?? Results.NoContent())
            .WithSummary("Lock a person out until unlocked: their tokens are refused at once (administrators; not yourself)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        people.MapPost("/{username}/unlock", async (string username, HttpContext http) =>
                await PersonChange.ApplyAsync(http, username, "person.unlock", (session, person) =>
                {
                    session.Patch<PlatformUser>(person.Id).Set(u => u.Locked, false);
                    session.Patch<PlatformUser>(person.Id).Set(u => u.LockedUntil, null);
                    session.Patch<PlatformUser>(person.Id).Set(u => u.FailedAttempts, 0);
                }, endsSignIns: _ => false) ?? Results.NoContent())
            .WithSummary("Unlock a person, whether locked by an administrator or after wrong passwords (administrators)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
