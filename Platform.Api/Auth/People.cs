using Marten;
using Marten.Patching;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Platform.Api.Auth;

/// <summary>
/// A person who signs in: an agency's clerk (<paramref name="Agency"/>), or a member of the bureau in a tax office
/// (<paramref name="Office"/>) whose <paramref name="Jurisdiction"/> is a GB/T 2260 division prefix (<c>5113</c>: the
/// city; <c>511302</c>: one district). <paramref name="Username"/> is kept lower-case and is unique.
/// </summary>
public sealed record PlatformUser(
    Guid Id,
    string Username,
    string PasswordHash,
    string Role,
    string? Agency,
    string? Office,
    string? Jurisdiction,
    int FailedAttempts,
    DateTimeOffset? LockedUntil)
{
    /// <summary>Locked by an administrator: every password is refused and no token is issued until an administrator unlocks it.</summary>
    public bool Locked { get; init; }

    /// <summary>
    /// Data roles an administrator has been granted by another administrator (<see cref="Roles.Grantable"/>): DESIGN gives
    /// administrators no taxpayer data unless granted. The person's tokens carry each grant's scope beside the role's.
    /// </summary>
    public IReadOnlyList<string> Grants { get; init; } = [];

    /// <summary>
    /// Who added the person through <c>POST /api/people</c> (the adding administrator's token subject); null when added by
    /// the <c>admin create</c> command or the demo seed. A grant is refused to anyone up this line from the granter
    /// (<c>GrantDataRole</c>): an administrator cannot add a second account that then grants them.
    /// </summary>
    public string? AddedBy { get; init; }

    /// <summary>Whether the account refuses every password now: locked by an administrator, or after too many wrong passwords.</summary>
    public bool IsLockedAt(DateTimeOffset now) => Locked || LockedUntil > now;
}

/// <summary>Who a new person is, before a password is set.</summary>
public sealed record NewPerson(string Username, string Role, string? Agency = null, string? Office = null, string? Jurisdiction = null);

/// <summary>People's sign-in settings, bound from the <c>SignIn</c> section (env: <c>SignIn__LockoutAfterFailures</c>).</summary>
public sealed class SignInOptions
{
    public const string Section = "SignIn";

    /// <summary>Wrong passwords in a row that lock an account.</summary>
    public int LockoutAfterFailures { get; set; } = 5;

    /// <summary>How long a locked account refuses every password, the right one too.</summary>
    public TimeSpan LockoutFor { get; set; } = TimeSpan.FromMinutes(15);
}

public enum PasswordCheck
{
    Accepted,
    Refused,
    LockedOut,
}

/// <summary>
/// The people who sign in, as Marten documents; passwords hashed by ASP.NET Core Identity's <see cref="PasswordHasher{T}"/>
/// (PBKDF2, its current format, rehashed when that format moves on).
/// </summary>
public sealed class People(IDocumentStore store, IOptions<SignInOptions> options, TimeProvider time)
{
    private static readonly PasswordHasher<PlatformUser> Hasher = new();

    /// <summary>A hash of nothing, verified against for unknown usernames so that they take as long as known ones.</summary>
    private static readonly string UnknownUserHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString());

    public static void Register(Marten.StoreOptions marten) =>
        marten.Schema.For<PlatformUser>().DocumentAlias("platform_user").UniqueIndex(u => u.Username);

    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    public async Task<PlatformUser?> FindAsync(string username, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var normalized = Normalize(username);
        return await session.Query<PlatformUser>().FirstOrDefaultAsync(u => u.Username == normalized, ct);
    }

    public async Task<PlatformUser?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<PlatformUser>(id, ct);
    }

    /// <summary>Creates the person with this password, or gives an existing person of that username the password and role.</summary>
    public async Task<PlatformUser> SetAsync(NewPerson person, string password, CancellationToken ct)
    {
        if (!Roles.All.Contains(person.Role))
        {
            throw new ArgumentException($"'{person.Role}' is not a role; roles are {string.Join(", ", Roles.All)}.", nameof(person));
        }
        var existing = await FindAsync(person.Username, ct);
        var user = Create(person, password, existing?.Id);
        await SaveAsync(user, ct);
        return user;
    }

    /// <summary>A person's document with this password hashed, not yet stored (a new id unless <paramref name="id"/> is given).</summary>
    public static PlatformUser Create(NewPerson person, string password, Guid? id = null)
    {
        var user = new PlatformUser(
            id ?? Guid.NewGuid(), Normalize(person.Username), "", person.Role, person.Agency, person.Office, person.Jurisdiction, 0, null);
        return user with { PasswordHash = Hash(user, password) };
    }

    public static string Hash(PlatformUser user, string password) => Hasher.HashPassword(user, password);

    /// <summary>
    /// Checks a password. A wrong one counts; the <see cref="SignInOptions.LockoutAfterFailures"/>th in a row locks the
    /// account for <see cref="SignInOptions.LockoutFor"/>, during which every password is refused unchecked.
    /// </summary>
    public async Task<(PasswordCheck Check, PlatformUser? User)> CheckAsync(string username, string password, CancellationToken ct)
    {
        var user = await FindAsync(username, ct);
        if (user is null)
        {
            Hasher.VerifyHashedPassword(null!, UnknownUserHash, password);
            return (PasswordCheck.Refused, null);
        }
        var now = time.GetUtcNow();
        if (user.IsLockedAt(now))
        {
            return (PasswordCheck.LockedOut, user);
        }

        var verified = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            return (await CountFailureAsync(user.Id, now, ct), user);
        }

        var accepted = user with
        {
            FailedAttempts = 0,
            LockedUntil = null,
            PasswordHash = verified == PasswordVerificationResult.SuccessRehashNeeded ? Hash(user, password) : user.PasswordHash,
        };
        if (accepted != user)
        {
            await SaveAsync(accepted, ct);
        }
        return (PasswordCheck.Accepted, accepted);
    }

    /// <summary>Counts in the database (an atomic increment), so that guesses sent at once cannot overwrite each other's count.</summary>
    private async Task<PasswordCheck> CountFailureAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Patch<PlatformUser>(id).Increment(u => u.FailedAttempts);
        await session.SaveChangesAsync(ct);
        var failures = (await session.LoadAsync<PlatformUser>(id, ct))?.FailedAttempts ?? 0;
        if (failures < options.Value.LockoutAfterFailures)
        {
            return PasswordCheck.Refused;
        }
        session.Patch<PlatformUser>(id).Set(u => u.LockedUntil, now + options.Value.LockoutFor);
        session.Patch<PlatformUser>(id).Set(u => u.FailedAttempts, 0);
        await session.SaveChangesAsync(ct);
        return PasswordCheck.LockedOut;
    }

    private async Task SaveAsync(PlatformUser user, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(user);
        await session.SaveChangesAsync(ct);
    }
}
