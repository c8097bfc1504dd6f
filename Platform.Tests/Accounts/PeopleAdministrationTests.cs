using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Accounts;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Accounts;

/// <summary>
/// Administrators add, list, lock, unlock and remove people and reset their passwords over <c>/api/people</c>, and grant
/// another administrator the analyst's data role, without which an administrator reads no taxpayer data.
/// </summary>
public sealed class PeopleAdministrationTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private readonly WebFrontSignIn signIn = new(platform);

    private Task<HttpClient> Admin() => platform.ClientForAsync(Roles.Admin);

    private async Task<List<string>> AuditedOperations(string username) =>
        [.. (await platform.Services.GetRequiredService<AuditTrail>().QueryAsync(null, username, null, null, 100, default)).Select(e => e.Operation).Reverse()];

    private async Task<HttpClient> SignedInOfficerAsync(string username)
    {
        await signIn.PersonAsync(new NewPerson(username, Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var client = await signIn.ClientAsync(username);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        return client;
    }

    [Fact]
    public async Task An_added_person_gets_a_generated_password_shown_once_signs_in_with_it_and_is_listed_without_a_hash()
    {
        var admin = await Admin();
        using var response = await admin.PostAsJsonAsync("/api/people",
            new AddPerson("Wang.Fang", Roles.Officer, Office: "gaoping-office", Jurisdiction: "511303"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var added = (await response.Content.ReadFromJsonAsync<PersonAdded>())!;
        Assert.Equal(("wang.fang", Roles.Officer, "511303", false), (added.Person.Username, added.Person.Role, added.Person.Jurisdiction, added.Person.Locked));
        Assert.NotNull(added.Password);
        var me = await platform.ClientWithToken((await signIn.TokensAsync("wang.fang", added.Password)).GetProperty("access_token").GetString()!)
            .GetFromJsonAsync<Caller>("/api/me");
        Assert.Equal(added.Person.Id.ToString(), me!.ClientId);

        var list = await admin.GetStringAsync("/api/people");
        Assert.Contains("\"wang.fang\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", list, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(added.Password, list, StringComparison.Ordinal);
        Assert.Equal(["person.add"], await AuditedOperations("wang.fang"));
    }

    [Fact]
    public async Task A_given_password_is_not_echoed_and_signs_in()
    {
        using var response = await (await Admin()).PostAsJsonAsync("/api/people",
            new AddPerson("clerk.given", Roles.Agency, Agency: "market-regulator", Password: "a long given password"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null((await response.Content.ReadFromJsonAsync<PersonAdded>())!.Password);
        Assert.Equal(HttpStatusCode.OK, (await signIn.ExchangeAsync(await signIn.CodeAsync("clerk.given", "a long given password"), signIn.Verifier)).StatusCode);
    }

    [Theory]
    [InlineData("{\"username\":\"p1\",\"role\":\"auditor\"}", "Role", "'auditor' is not a role")]
    [InlineData("{\"username\":\"p2\",\"role\":\"agency\",\"agency\":\"tobacco\"}", "Agency", "There is no agency 'tobacco'")]
    [InlineData("{\"username\":\"p3\",\"role\":\"officer\",\"office\":\"x\",\"jurisdiction\":\"5199\"}", "Jurisdiction", "'5199' is not a known GB/T 2260 prefix")]
    [InlineData("{\"username\":\"p4\",\"role\":\"analyst\",\"office\":\"x\",\"jurisdiction\":\"511300\"}", "Jurisdiction", "without trailing zeros")]
    [InlineData("{\"username\":\"p8\",\"role\":\"analyst\",\"office\":\"x\",\"jurisdiction\":\"5101\"}", "Jurisdiction", "is outside the city this platform serves, 5113")]
    [InlineData("{\"username\":\"p9\",\"role\":\"officer\",\"office\":\"x\",\"jurisdiction\":\"510104\"}", "Jurisdiction", "one of its counties (511302")]
    [InlineData("{\"username\":\"p5\",\"role\":\"leader\",\"jurisdiction\":\"5113\"}", "Office", "Give one of the tax offices")]
    [InlineData("{\"username\":\"p6\",\"role\":\"admin\",\"agency\":\"finance\"}", "Agency", "acts for no agency")]
    [InlineData("{\"username\":\"p7\",\"role\":\"admin\",\"password\":\"short\"}", "Password", "12 to 128 characters")]
    [InlineData("{\"username\":\"-\",\"role\":\"admin\"}", "Username", "Use 2 to 64 letters")]
    public async Task A_person_that_cannot_be_added_is_a_problem_saying_what_to_fix(string body, string field, string message)
    {
        using var response = await (await Admin()).PostAsync("/api/people", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(message, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await (await Admin()).GetAsync($"/api/people/{JsonDocument.Parse(body).RootElement.GetProperty("username")}")).StatusCode);
    }

    [Fact]
    public async Task An_administrator_bound_to_a_county_adds_people_within_it_only()
    {
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("county.admin", Roles.Admin, Office: "shunqing-office", Jurisdiction: "511302"));
        var countyAdmin = await signIn.ClientAsync("county.admin");

        foreach (var wider in new[] { new AddPerson("wider.analyst", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"),
                     new AddPerson("other.officer", Roles.Officer, Office: "gaoping-office", Jurisdiction: "511303"),
                     new AddPerson("city.admin", Roles.Admin) })
        {
            using var refused = await countyAdmin.PostAsJsonAsync("/api/people", wider);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Jurisdiction", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        using var within = await countyAdmin.PostAsJsonAsync("/api/people", new AddPerson("shunqing.officer2", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        Assert.Equal(HttpStatusCode.Created, within.StatusCode);
        using var cityWide = await (await Admin()).PostAsJsonAsync("/api/people", new AddPerson("province.analyst", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "51"));
        Assert.Equal(HttpStatusCode.Created, cityWide.StatusCode); // a province covers the city
    }

    [Fact]
    public async Task A_person_s_office_is_a_configured_office_serving_within_their_jurisdiction()
    {
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("office.admin", Roles.Admin, Office: "shunqing-office", Jurisdiction: "511302"));
        var countyAdmin = await signIn.ClientAsync("office.admin");

        // An officer of Shunqing put in Gaoping's office would reach Gaoping's leads through the office.
        using var otherCounty = await countyAdmin.PostAsJsonAsync("/api/people", new AddPerson("office.officer", Roles.Officer, Office: "gaoping-office", Jurisdiction: "511302"));
        Assert.Equal(HttpStatusCode.BadRequest, otherCounty.StatusCode);
        var problem = (await otherCounty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Office")[0].GetString();
        Assert.Contains("'gaoping-office' serves 511303", problem, StringComparison.Ordinal);
        Assert.Contains("shunqing-office", problem, StringComparison.Ordinal);

        using var unknown = await (await Admin()).PostAsJsonAsync("/api/people", new AddPerson("office.officer", Roles.Officer, Office: "any-office", Jurisdiction: "511302"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("nanchong-bureau, shunqing-office", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Office")[0].GetString(),
            StringComparison.Ordinal);

        using var own = await countyAdmin.PostAsJsonAsync("/api/people", new AddPerson("office.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task A_username_that_is_taken_is_a_conflict()
    {
        var admin = await Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/people", new AddPerson("twice", Roles.Admin))).StatusCode);
        using var again = await admin.PostAsJsonAsync("/api/people", new AddPerson("TWICE", Roles.Leader, Office: "nanchong-bureau", Jurisdiction: "5113"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(Roles.Admin, (await admin.GetFromJsonAsync<PersonView>("/api/people/twice"))!.Role);
    }

    [Fact]
    public async Task A_locked_person_s_tokens_are_refused_at_once_and_their_password_until_unlocked()
    {
        var officer = await SignedInOfficerAsync("locked.officer");
        var admin = await Admin();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/people/locked.officer/lock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await signIn.SubmitAsync("locked.officer", WebFrontSignIn.PasswordOf("locked.officer"))).StatusCode);
        Assert.True((await admin.GetFromJsonAsync<PersonView>("/api/people/locked.officer"))!.Locked);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/people/locked.officer/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await signIn.ClientAsync("locked.officer")).GetAsync("/api/me")).StatusCode);
        Assert.Equal(["person.lock", "person.unlock"], await AuditedOperations("locked.officer"));
    }

    [Fact]
    public async Task A_removed_person_s_tokens_and_refresh_token_are_refused_and_they_cannot_sign_in()
    {
        await signIn.PersonAsync(new NewPerson("removed.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var tokens = await signIn.TokensAsync("removed.officer", WebFrontSignIn.PasswordOf("removed.officer"));
        var officer = platform.ClientWithToken(tokens.GetProperty("access_token").GetString()!);
        var admin = await Admin();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/people/removed.officer")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/me")).StatusCode);
        using var refresh = await platform.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = WebFront.ClientId,
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await signIn.SubmitAsync("removed.officer", WebFrontSignIn.PasswordOf("removed.officer"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/people/removed.officer")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/people/removed.officer")).StatusCode);
        Assert.Equal(["person.remove"], await AuditedOperations("removed.officer"));
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_ends_the_person_s_sign_ins()
    {
        var officer = await SignedInOfficerAsync("reset.officer");

        using var response = await (await Admin()).PostAsJsonAsync("/api/people/reset.officer/password", new ResetPassword(null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var set = (await response.Content.ReadFromJsonAsync<PasswordSet>())!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await signIn.SubmitAsync("reset.officer", WebFrontSignIn.PasswordOf("reset.officer"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await signIn.ExchangeAsync(await signIn.CodeAsync("reset.officer", set.Password!), signIn.Verifier)).StatusCode);
        Assert.Equal(["person.password"], await AuditedOperations("reset.officer"));
        Assert.Equal(HttpStatusCode.BadRequest, (await (await Admin()).PostAsJsonAsync("/api/people/reset.officer/password", new ResetPassword("short"))).StatusCode);
    }

    [Fact]
    public async Task An_administrator_may_not_lock_or_remove_themselves()
    {
        await signIn.PersonAsync(new NewPerson("self.admin", Roles.Admin));
        var self = await signIn.ClientAsync("self.admin");

        Assert.Equal(HttpStatusCode.Forbidden, (await self.PostAsync("/api/people/self.admin/lock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await self.DeleteAsync("/api/people/self.admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await self.GetAsync("/api/people/self.admin")).StatusCode);
        Assert.Empty(await AuditedOperations("self.admin"));
    }

    [Theory]
    [InlineData(Roles.Analyst)]
    [InlineData(Roles.Officer)]
    [InlineData(Roles.Leader)]
    public async Task Only_administrators_manage_people(string role)
    {
        var client = await platform.ClientForAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/people")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/people", new AddPerson("by." + role, Roles.Admin))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/people/demo-admin/lock", null)).StatusCode);
    }

    private async Task<string> SeedShunqingTaxpayerAsync()
    {
        var row = Files.Registration(9500, "2016-02");
        row[0] = Files.Uscc(9500, "511302");
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv([row])), period: "2016-02")).Status);
        return row[0];
    }

    private static string TaxpayerQuery(string subject) => $"{{ taxpayerRecords(subject: \"{subject}\") {{ nodes {{ state }} }} }}";

    [Fact]
    public async Task An_administrator_reads_taxpayer_files_only_while_another_has_granted_them_the_analyst_role()
    {
        var subject = await SeedShunqingTaxpayerAsync();
        var person = await signIn.PersonAsync(new NewPerson("granted.admin", Roles.Admin, Office: "nanchong-bureau", Jurisdiction: "5113"));
        var ungranted = await signIn.ClientAsync("granted.admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await ungranted.GetAsync($"/api/taxpayers/{subject}/records")).StatusCode);
        Assert.Equal("refused", await GraphQLOutcome.OfAsync(ungranted, TaxpayerQuery(subject)));

        var admin = await Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/people/granted.admin/grants/analyst", null)).StatusCode);
        Assert.Equal([Roles.Analyst], (await admin.GetFromJsonAsync<PersonView>("/api/people/granted.admin"))!.Granted);

        var granted = await signIn.ClientAsync("granted.admin");
        Assert.Contains(Roles.Analyst, (await granted.GetFromJsonAsync<Caller>("/api/me"))!.Scopes);
        Assert.Single((await granted.GetFromJsonAsync<TaxpayerRecordPage>($"/api/taxpayers/{subject}/records?purpose=核实"))!.Records);
        Assert.Equal("allowed", await GraphQLOutcome.OfAsync(granted, TaxpayerQuery(subject)));
        var audit = platform.Services.GetRequiredService<AuditTrail>();
        Assert.Contains(await audit.QueryAsync(null, "granted.admin", null, null, 10, default),
            e => e is { Operation: "person.grant", Actor: "demo-admin" } && e.Subjects.Contains(Roles.Analyst));
        Assert.Contains(await audit.QueryAsync(person.Id.ToString(), subject, null, null, 10, default), e => e.Role == Roles.Admin);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/people/granted.admin/grants/analyst")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await granted.GetAsync($"/api/taxpayers/{subject}/records")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await signIn.ClientAsync("granted.admin")).GetAsync($"/api/taxpayers/{subject}/records")).StatusCode);
    }

    [Fact]
    public async Task An_administrator_may_not_grant_themselves_a_data_role()
    {
        await signIn.PersonAsync(new NewPerson("self.granting", Roles.Admin));
        var self = await signIn.ClientAsync("self.granting");

        using var response = await self.PostAsync("/api/people/self.granting/grants/analyst", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty((await self.GetFromJsonAsync<PersonView>("/api/people/self.granting"))!.Granted);
        Assert.DoesNotContain(Roles.Analyst, (await (await signIn.ClientAsync("self.granting")).GetFromJsonAsync<Caller>("/api/me"))!.Scopes);
    }

    [Fact]
    public async Task An_administrator_is_not_granted_by_an_account_of_their_own_making_nor_beyond_the_granter_s_jurisdiction()
    {
        await signIn.PersonAsync(new NewPerson("puppet.master", Roles.Admin));
        var master = await signIn.ClientAsync("puppet.master");
        Assert.Equal(HttpStatusCode.Created, (await master.PostAsJsonAsync("/api/people",
            new AddPerson("puppet.one", Roles.Admin, Password: WebFrontSignIn.PasswordOf("puppet.one")))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await (await signIn.ClientAsync("puppet.one")).PostAsJsonAsync("/api/people",
            new AddPerson("puppet.two", Roles.Admin, Password: WebFrontSignIn.PasswordOf("puppet.two")))).StatusCode);

        // The account they made, or one that account made, grants them nothing.
        foreach (var puppet in new[] { "puppet.one", "puppet.two" })
        {
            using var refused = await (await signIn.ClientAsync(puppet)).PostAsync("/api/people/puppet.master/grants/analyst", null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("Not between who added whom", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }
        Assert.Empty((await master.GetFromJsonAsync<PersonView>("/api/people/puppet.master"))!.Granted);
        // Nor the other way: the account they made, whose password they chose, granted by them.
        using var down = await master.PostAsync("/api/people/puppet.two/grants/analyst", null);
        Assert.Equal(HttpStatusCode.Forbidden, down.StatusCode);
        Assert.Empty((await master.GetFromJsonAsync<PersonView>("/api/people/puppet.two"))!.Granted);

        // An administrator of a county grants no one of the whole city; the other way round is allowed.
        await signIn.PersonAsync(new NewPerson("county.granter", Roles.Admin, Office: "shunqing-office", Jurisdiction: "511302"));
        using var beyond = await (await signIn.ClientAsync("county.granter")).PostAsync("/api/people/puppet.master/grants/analyst", null);
        Assert.Equal(HttpStatusCode.Forbidden, beyond.StatusCode);
        Assert.Equal("Beyond your jurisdiction", (await beyond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await master.PostAsync("/api/people/county.granter/grants/analyst", null)).StatusCode);
    }

    [Fact]
    public async Task An_administrator_of_a_county_changes_no_one_beyond_it()
    {
        await signIn.PersonAsync(new NewPerson("city.analyst.target", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"));
        await signIn.PersonAsync(new NewPerson("city.admin.target", Roles.Admin));
        await signIn.PersonAsync(new NewPerson("county.changer", Roles.Admin, Office: "shunqing-office", Jurisdiction: "511302"));
        await signIn.PersonAsync(new NewPerson("county.officer.target", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        var county = await signIn.ClientAsync("county.changer");

        // A new password for a person of the whole city would let the county's administrator sign in as them.
        foreach (var target in new[] { "city.analyst.target", "city.admin.target" })
        {
            using var reset = await county.PostAsJsonAsync($"/api/people/{target}/password", new { password = "a-new-password-of-mine" });
            using var locked = await county.PostAsync($"/api/people/{target}/lock", null);
            using var removed = await county.DeleteAsync($"/api/people/{target}");
            Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (reset.StatusCode, locked.StatusCode, removed.StatusCode));
            Assert.Equal("Beyond your jurisdiction", (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await signIn.SubmitAsync("city.admin.target", "a-new-password-of-mine")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await county.PostAsync("/api/people/county.officer.target/lock", null)).StatusCode);
    }

    [Fact]
    public async Task Only_an_administrator_is_granted_and_only_the_analyst_role()
    {
        await signIn.PersonAsync(new NewPerson("grant.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        await signIn.PersonAsync(new NewPerson("grant.admin", Roles.Admin));
        var admin = await Admin();

        using var officer = await admin.PostAsync("/api/people/grant.officer/grants/analyst", null);
        using var leader = await admin.PostAsync("/api/people/grant.admin/grants/leader", null);

        Assert.Equal(HttpStatusCode.Conflict, officer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, leader.StatusCode);
        Assert.Contains("'leader' cannot be granted", (await leader.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("role")[0].GetString(),
            StringComparison.Ordinal);
        Assert.Empty((await admin.GetFromJsonAsync<PersonView>("/api/people/grant.officer"))!.Granted);
        Assert.Empty((await admin.GetFromJsonAsync<PersonView>("/api/people/grant.admin"))!.Granted);
    }
}
