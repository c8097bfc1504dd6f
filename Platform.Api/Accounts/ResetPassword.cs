using Marten.Patching;
using Platform.Api.Auth;

namespace Platform.Api.Accounts;

/// <summary>The password to set, or none to have one generated.</summary>
public sealed record ResetPassword(string? Password);

/// <summary>A password an administrator set: the generated one is shown this once and stored only as a hash; null when it was given.</summary>
public sealed record PasswordSet(string Username, string? Password);

/// <summary>
/// Administrators reset a person's password (a forgotten one, or one that may be known to others): the new one replaces
/// it, any lockout after wrong passwords is cleared, and every sign-in of theirs is ended, since their tokens may be too.
/// </summary>
public static class ResetPasswordEndpoint
{
    public static void MapResetPassword(this RouteGroupBuilder people) =>
        people.MapPost("/{username}/password", Handle)
            .WithSummary("Set a person's password, or have one generated and shown this once; their tokens are refused from then on (administrators)")
            .Produces<PasswordSet>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> Handle(string username, ResetPassword command, HttpContext http)
    {
        if (AddPerson.CheckPassword(command.Password) is { } problem)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [nameof(ResetPassword.Password)] = [problem] });
        }
        var password = command.Password ?? DemoClients.NewSecret();
        return await PersonChange.ApplyAsync(http, username, "person.password", (session, person) =>
               {
                   session.Patch<PlatformUser>(person.Id).Set(u => u.PasswordHash, People.Hash(person, password));
                   session.Patch<PlatformUser>(person.Id).Set(u => u.FailedAttempts, 0);
                   session.Patch<PlatformUser>(person.Id).Set(u => u.LockedUntil, null);
               }, endsSignIns: _ => true)
               ?? Results.Ok(new PasswordSet(People.Normalize(username), command.Password is null ? password : null));
    }
}
