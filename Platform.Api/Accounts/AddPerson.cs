using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Abstractions;
using Platform.Api.Hosting;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Comparisons.Leads;
using Platform.Templates.Checks;

namespace Platform.Api.Accounts;

/// <summary>
/// An administrator adds a person who signs in: an agency's clerk (<paramref name="Agency"/>, a registered agency), or a
/// member of the bureau in a tax office (<paramref name="Office"/>) with its <paramref name="Jurisdiction"/>, a GB/T 2260
/// prefix (analysts, officers and leaders need both; an administrator may have them). Without a
/// <paramref name="Password"/> one is generated and shown once.
/// </summary>
public sealed partial record AddPerson(
    string Username,
    string Role,
    string? Agency = null,
    string? Office = null,
    string? Jurisdiction = null,
    string? Password = null)
{
    public const int MinPasswordChars = 12, MaxPasswordChars = 128;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex UsernamePattern();

    /// <summary>Null when a given password is acceptable (or none is given), else what to fix.</summary>
    public static string? CheckPassword(string? password) => password is { Length: < MinPasswordChars or > MaxPasswordChars }
        ? $"Give a password of {MinPasswordChars} to {MaxPasswordChars} characters, or none to have one generated."
        : null;

    /// <summary>
    /// What to fix, by field (none when the person may be added); <paramref name="city"/> is the platform's
    /// (<see cref="Hosting.PlatformOptions.Division"/>), <paramref name="adding"/> the jurisdiction of the administrator
    /// adding the person (null: the whole city), which a member of the bureau added must lie within: an administrator
    /// bound to a county cannot make a person of the city (who would read whole files), nor an administrator of none. The
    /// office must be one of <paramref name="offices"/> serving within the person's jurisdiction: an officer reaches the
    /// leads of their office as well as those of their jurisdiction, so an office outside it would widen their reach
    /// (attacker review, 2026-12-02: a county's administrator made an officer of its county working another county's leads).
    /// </summary>
    public async Task<Dictionary<string, string[]>> ValidateAsync(IQuerySession session, string city, string? adding, TaxOffices offices,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!UsernamePattern().IsMatch(People.Normalize(Username ?? "")))
        {
            errors[nameof(Username)] = ["Use 2 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit, such as 'wang.fang'."];
        }
        if (!Roles.All.Contains(Role ?? ""))
        {
            errors[nameof(Role)] = [$"'{Role}' is not a role; give one of {string.Join(", ", Roles.All)}."];
        }
        else if (Role == Roles.Agency)
        {
            if (string.IsNullOrWhiteSpace(Agency))
            {
                errors[nameof(Agency)] = ["An agency's clerk needs the agency's id, such as 'market-regulator'."];
            }
            else if (await session.LoadAsync<Agencies.Agency>(Agency, ct) is null)
            {
                errors[nameof(Agency)] = [$"There is no agency '{Agency}'; GET /api/agencies lists them, POST /api/agencies registers one."];
            }
            if (Office is not null || Jurisdiction is not null)
            {
                errors[nameof(Office)] = ["An agency's clerk belongs to no tax office; leave office and jurisdiction out."];
            }
        }
        else
        {
            if (Agency is not null)
            {
                errors[nameof(Agency)] = [$"A member of the bureau ({Role}) acts for no agency; leave agency out."];
            }
            if (Role != Roles.Admin || Office is not null || Jurisdiction is not null || adding is not null)
            {
                CheckOffice(errors, city, offices);
            }
            if (adding is not null && !errors.ContainsKey(nameof(Jurisdiction)) && Jurisdiction?.StartsWith(adding, StringComparison.Ordinal) != true)
            {
                errors[nameof(Jurisdiction)] = [$"Your jurisdiction is {adding}: a person you add must have a jurisdiction within it ({adding} or one of its " +
                                                "divisions); ask an administrator of a wider jurisdiction."];
            }
        }
        if (CheckPassword(Password) is { } problem)
        {
            errors[nameof(Password)] = [problem];
        }
        return errors;
    }

    private void CheckOffice(Dictionary<string, string[]> errors, string city, TaxOffices offices)
    {
        var office = offices.Find(Office ?? "");
        if (office is null)
        {
            errors[nameof(Office)] = [$"Give one of the tax offices (Comparisons:Offices): {string.Join(", ", offices.All.Select(o => o.Id))}."];
        }
        if (!Divisions.IsKnownPrefix(Jurisdiction ?? ""))
        {
            errors[nameof(Jurisdiction)] = [$"'{Jurisdiction}' is not a known GB/T 2260 prefix: give the office's province (51), prefecture " +
                                            "(5113) or county (511302), without trailing zeros."];
        }
        else if (!Jurisdiction!.StartsWith(city, StringComparison.Ordinal) && !city.StartsWith(Jurisdiction, StringComparison.Ordinal))
        {
            errors[nameof(Jurisdiction)] = [$"'{Jurisdiction}' ({Divisions.NameOfPrefix(Jurisdiction)}) is outside the city this platform " +
                                            $"serves, {city} ({Divisions.NameOfPrefix(city)}): give the city, one of its counties " +
                                            $"({string.Join(", ", Divisions.Under(city).Where(c => c != city.PadRight(6, '0')).Take(3))}, ...), or its province."];
        }
        else if (office is not null && !SubjectDivision.IsWithin(office.Jurisdiction, Jurisdiction))
        {
            var within = offices.All.Where(o => SubjectDivision.IsWithin(o.Jurisdiction, Jurisdiction)).Select(o => o.Id).ToList();
            errors[nameof(Office)] = [$"'{office.Id}' serves {office.Jurisdiction} ({Divisions.NameOfPrefix(office.Jurisdiction)}), outside the " +
                                      $"jurisdiction {Jurisdiction} given: " +
                                      (within.Count > 0 ? $"give an office within it ({string.Join(", ", within)})." : "no office serves within it.")];
        }
    }
}

/// <summary>A person just added, with the generated password shown this once (null when one was given).</summary>
public sealed record PersonAdded(PersonView Person, string? Password);

public static class AddPersonEndpoint
{
    public static void MapAddPerson(this RouteGroupBuilder people) =>
        people.MapPost("/", Handle)
            .WithSummary("Add a person who signs in: a role, an agency or an office and jurisdiction, and a password or none to have " +
                         "one generated and shown this once (administrators)")
            .Produces<PersonAdded>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> Handle(AddPerson command, IDocumentSession session, AuditTrail audit, TimeProvider time, HttpContext http,
        CancellationToken ct)
    {
        var errors = await command.ValidateAsync(session, http.RequestServices.GetRequiredService<IOptions<PlatformOptions>>().Value.Division,
            Access.AccessPolicy.JurisdictionOf(http.User), http.RequestServices.GetRequiredService<TaxOffices>(), ct);
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }
        var password = command.Password ?? DemoClients.NewSecret();
        var person = People.Create(new NewPerson(command.Username, command.Role, command.Agency, command.Office, command.Jurisdiction), password) with
        {
            AddedBy = http.User.GetClaim(OpenIddictConstants.Claims.Subject),
        };
        if (await session.Query<PlatformUser>().AnyAsync(u => u.Username == person.Username, ct))
        {
            return Taken(person.Username);
        }
        session.Insert(person);
        audit.Queue(session, http, "person.add", [person.Username, person.Id.ToString()]);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Taken(person.Username);
        }
        return Results.Created($"/api/people/{person.Username}",
            new PersonAdded(PersonView.From(person, time.GetUtcNow()), command.Password is null ? password : null));
    }

    private static IResult Taken(string username) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Username taken",
        detail: $"Someone signs in as '{username}' already; choose another username.");
}
