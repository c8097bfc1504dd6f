using Marten;
using OpenIddict.Abstractions;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Templates.Checks;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Accounts;

/// <summary>
/// How an administrator's change to one person is made: the person found by username (404 otherwise), the change
/// queued on a session with its audit entry (operation <c>person.*</c>, subjects the username and id) and saved in one
/// transaction, then, where the change takes access away, every sign-in of theirs ended (their tokens refused at once).
/// </summary>
public static class PersonChange
{
    /// <summary>
    /// Queues <paramref name="change"/> on a session with its audit entry (whose subjects end with <paramref name="what"/>,
    /// such as the role granted, when given) and saves both, unless <paramref name="refuse"/> says why not; null when made. <paramref name="endsSignIns"/> says, from the person as they were, whether their
    /// tokens must stop.
    /// </summary>
    public static async Task<IResult?> ApplyAsync(HttpContext http, string username, string operation, Action<IDocumentSession, PlatformUser> change,
        Func<PlatformUser, bool> endsSignIns, Func<PlatformUser, IResult?>? refuse = null, string? what = null)
    {
        var ct = http.RequestAborted;
        await using var session = http.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
        var normalized = People.Normalize(username);
        if (await session.Query<PlatformUser>().FirstOrDefaultAsync(u => u.Username == normalized, ct) is not { } person)
        {
            return NotFound(username);
        }
        if ((BeyondYourJurisdiction(person, AccessPolicy.JurisdictionOf(http.User)) ?? refuse?.Invoke(person)) is { } refusal)
        {
            return refusal;
        }
        change(session, person);
        http.RequestServices.GetRequiredService<AuditTrail>().Queue(session, http, operation,
            what is null ? [person.Username, person.Id.ToString()] : [person.Username, person.Id.ToString(), what]);
        await session.SaveChangesAsync(ct);
        if (endsSignIns(person))
        {
            await SignOut.EndEverySignInAsync(http.RequestServices, person.Id, ct);
        }
        return null;
    }

    /// <summary>
    /// A change to a person (a lock, a removal, a new password, a grant) is made within the administrator's jurisdiction:
    /// a county's administrator who could reset the password of a person of the whole city would sign in as them (review
    /// of session 15). A person of no jurisdiction (the whole city) is changed only by an administrator of none.
    /// </summary>
    private static IResult? BeyondYourJurisdiction(PlatformUser person, string? jurisdiction) =>
        jurisdiction is null || (person.Jurisdiction is { } theirs && SubjectDivision.IsWithin(theirs, jurisdiction))
            ? null
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Beyond your jurisdiction",
                detail: $"'{person.Username}' has the jurisdiction {person.Jurisdiction ?? "of the whole city"}, beyond yours ({jurisdiction}): a person " +
                        "is changed by an administrator whose jurisdiction covers theirs. Ask one.");

    /// <summary>
    /// Refuses a change to the caller themselves (a person's token's subject is their id), so that another administrator
    /// always sees it done: <paramref name="what"/> as in "You may not lock yourself".
    /// </summary>
    public static Func<PlatformUser, IResult?> NotToYourself(HttpContext http, string what) => person =>
        http.User.GetClaim(Claims.Subject) == person.Id.ToString()
            ? Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not to yourself",
                detail: $"You may not {what} yourself; ask another administrator.")
            : null;

    public static IResult NotFound(string username) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Person not found",
        detail: $"There is no person '{People.Normalize(username)}'; GET /api/people lists them.");
}
