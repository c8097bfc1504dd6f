namespace Platform.Api.Auth;

/// <summary>
/// Ensures one demo person per role. Passwords are generated on first start, never stored in source; a person whose
/// password was lost from the file gets a new one.
/// </summary>
public sealed class DemoPeople(People people)
{
    /// <summary>Nanchong (GB/T 2260 <c>5113</c>) and its Shunqing district (<c>511302</c>), the source text's pilot city.</summary>
    public static readonly IReadOnlyList<NewPerson> Wanted =
    [
        new("demo-clerk", Roles.Agency, Agency: "market-regulator"),
        new("demo-analyst", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"),
        new("demo-officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"),
        new("demo-leader", Roles.Leader, Office: "nanchong-bureau", Jurisdiction: "5113"),
        new("demo-admin", Roles.Admin),
    ];

    public async Task<IReadOnlyList<DemoUser>> EnsureAsync(IReadOnlyList<DemoUser>? known, CancellationToken ct)
    {
        var result = new List<DemoUser>();
        foreach (var person in Wanted)
        {
            var password = known?.FirstOrDefault(u => u.Username == person.Username)?.Password;
            if (password is null || await people.FindAsync(person.Username, ct) is null)
            {
                password = DemoClients.NewSecret();
                await people.SetAsync(person, password, ct);
            }
            result.Add(new DemoUser(person.Role, person.Username, password, person.Agency, person.Office));
        }
        return result;
    }
}
