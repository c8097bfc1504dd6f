using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Auth;

public sealed class PeopleTests(ClockedPlatformFactory platform) : IClassFixture<ClockedPlatformFactory>
{
    private People People => platform.Services.GetRequiredService<People>();

    [Fact]
    public async Task The_stored_hash_is_not_the_password_and_verifies_it()
    {
        var user = await People.SetAsync(new NewPerson("Hash.Test", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"), "correct horse", default);

        Assert.Equal("hash.test", user.Username);
        Assert.DoesNotContain("correct horse", user.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(1, Convert.FromBase64String(user.PasswordHash)[0]); // Identity's current (v3, PBKDF2) format
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync("HASH.test", "correct horse", default)).Check);
        Assert.Equal(PasswordCheck.Refused, (await People.CheckAsync("hash.test", "Correct horse", default)).Check);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_one()
    {
        platform.Clock.MoveTo(DateTimeOffset.UtcNow);
        await People.SetAsync(new NewPerson("lockout.test", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"), "right", default);

        for (var attempt = 1; attempt < 5; attempt++)
        {
            Assert.Equal(PasswordCheck.Refused, (await People.CheckAsync("lockout.test", "wrong", default)).Check);
        }
        Assert.Equal(PasswordCheck.LockedOut, (await People.CheckAsync("lockout.test", "wrong", default)).Check);
        Assert.Equal(PasswordCheck.LockedOut, (await People.CheckAsync("lockout.test", "right", default)).Check);

        platform.Clock.MoveTo(DateTimeOffset.UtcNow.AddMinutes(16));
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync("lockout.test", "right", default)).Check);
    }

    [Fact]
    public async Task Wrong_passwords_sent_at_once_all_count()
    {
        platform.Clock.MoveTo(DateTimeOffset.UtcNow);
        await People.SetAsync(new NewPerson("parallel.test", Roles.Analyst), "right", default);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => People.CheckAsync("parallel.test", "wrong", default)));

        Assert.Equal(PasswordCheck.LockedOut, (await People.CheckAsync("parallel.test", "right", default)).Check);
    }

    [Fact]
    public async Task A_right_password_resets_the_count_of_wrong_ones()
    {
        await People.SetAsync(new NewPerson("reset.test", Roles.Leader), "right", default);
        for (var attempt = 1; attempt < 5; attempt++)
        {
            await People.CheckAsync("reset.test", "wrong", default);
        }
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync("reset.test", "right", default)).Check);
        Assert.Equal(PasswordCheck.Refused, (await People.CheckAsync("reset.test", "wrong", default)).Check);
    }

    [Fact]
    public async Task The_admin_command_creates_an_administrator_who_can_sign_in_and_refuses_an_existing_name()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await CreateAdministrator.RunAsync(platform.Services, ["admin", "create", "--username", "root"], null, output));
        var password = output.ToString().Split("Password (shown once, not stored): ")[1].Trim();

        var (check, user) = await People.CheckAsync("root", password, default);
        Assert.Equal(PasswordCheck.Accepted, check);
        Assert.Equal(Roles.Admin, user!.Role);

        Assert.Equal(1, await CreateAdministrator.RunAsync(platform.Services, ["admin", "create", "--username", "Root"], "other", TextWriter.Null));
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync("root", password, default)).Check);
    }

    [Fact]
    public async Task The_admin_command_takes_the_password_it_is_given()
    {
        Assert.Equal(0, await CreateAdministrator.RunAsync(platform.Services, ["admin", "create", "--username", "given"], "from-the-environment", TextWriter.Null));
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync("given", "from-the-environment", default)).Check);
    }

    [Fact]
    public void The_credentials_file_holds_a_demo_person_for_every_role_with_their_agency_or_office()
    {
        var users = platform.DemoCredentials().Users!;
        Assert.All(Roles.All, role => Assert.Contains(users, u => u.Role == role));
        Assert.All(users.Where(u => u.Role == Roles.Agency), u => Assert.False(string.IsNullOrEmpty(u.Agency)));
        Assert.All(users.Where(u => u.Role is Roles.Analyst or Roles.Officer), u => Assert.False(string.IsNullOrEmpty(u.Office)));
        Assert.NotEmpty(platform.DemoCredentials().Clients);
    }

    [Fact]
    public async Task A_demo_person_signs_in_with_the_password_in_the_file()
    {
        var officer = platform.DemoCredentials().Users!.First(u => u.Role == Roles.Officer);
        Assert.Equal(PasswordCheck.Accepted, (await People.CheckAsync(officer.Username, officer.Password, default)).Check);
    }
}
