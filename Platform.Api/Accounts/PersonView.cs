using Platform.Api.Auth;

namespace Platform.Api.Accounts;

/// <summary>
/// A person as administrators see them, never with a password hash: <paramref name="Locked"/> by an administrator,
/// <paramref name="LockedOutUntil"/> after too many wrong passwords (null once that has passed), the data roles an
/// administrator has been <paramref name="Granted"/>.
/// </summary>
public sealed record PersonView(Guid Id, string Username, string Role, string? Agency, string? Office, string? Jurisdiction, bool Locked,
    DateTimeOffset? LockedOutUntil, IReadOnlyList<string> Granted)
{
    public static PersonView From(PlatformUser user, DateTimeOffset now) => new(user.Id, user.Username, user.Role, user.Agency, user.Office,
        user.Jurisdiction, user.Locked, user.LockedUntil > now ? user.LockedUntil : null, user.Grants);
}
