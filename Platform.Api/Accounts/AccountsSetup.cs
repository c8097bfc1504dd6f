using Platform.Api.Access;

namespace Platform.Api.Accounts;

/// <summary>
/// People administration under <c>/api/people</c> (administrators): add, list, lock, unlock, remove, reset a password,
/// grant an administrator a data role.
/// Every change is audited as a privileged change (<c>person.*</c>).
/// </summary>
public static class AccountsSetup
{
    public static WebApplication MapAccounts(this WebApplication app)
    {
        var people = app.MapGroup("/api/people").WithTags("People").RequireAccess(Operation.ManagePeople);
        people.MapListPeople();
        people.MapAddPerson();
        people.MapLockPerson();
        people.MapRemovePerson();
        people.MapResetPassword();
        people.MapGrantDataRole();
        return app;
    }
}
