using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GraphQL.Types;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Taxpayers;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Access;

/// <summary>
/// The access policy as DESIGN and the confidentiality issue state it, cell by cell: each role against each operation,
/// inside and outside its scope, over REST and GraphQL. The expected table is written here, not read from the policy.
/// </summary>
public sealed class AccessPolicyTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Regulator = "regulator", OtherAgency = "finance";

    /// <summary>The callers: an agency in scope (the market regulator, whose data it is), another agency, and each bureau role.</summary>
    private static readonly string[] Callers = [Regulator, OtherAgency, Roles.Analyst, Roles.Officer, Roles.Leader, Roles.Admin];

    private Task<HttpClient> Client(string caller) => caller switch
    {
        Regulator => platform.ClientForAsync(Roles.Agency, "market-regulator"),
        OtherAgency => platform.ClientForAsync(Roles.Agency, "finance"),
        _ => platform.ClientForAsync(caller),
    };

    private async Task<(string Submission, string Subject)> SeedAsync()
    {
        var rows = new[] { Files.Registration(9100, "2016-04"), Files.Registration(9101, "2016-04") };
        rows[1][4] = "2015/06/01";
        var receipt = await (await Client(Regulator)).SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2016-04");
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, receipt.Status);
        return (receipt.Id, Files.Uscc(9100));
    }

    private static string Outcome(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Forbidden => "refused",
        HttpStatusCode.NotFound => "hidden",
        HttpStatusCode.BadRequest => "ask purpose",
        HttpStatusCode.OK => "allowed",
        _ => status.ToString(),
    };

    [Fact]
    public async Task Each_role_reaches_what_the_policy_says_over_rest_inside_and_outside_its_scope()
    {
        var (submission, subject) = await SeedAsync();
        (string Operation, string Url, string[] Expected)[] matrix =
        [
            // Callers:                                          regulator   finance     analyst        officer    leader     admin
            ("receipt", $"/api/submissions/{submission}", ["allowed", "hidden", "allowed", "refused", "refused", "allowed"]),
            ("raw file", $"/api/submissions/{submission}/file", ["allowed", "hidden", "ask purpose", "refused", "refused", "refused"]),
            ("raw file with a purpose", $"/api/submissions/{submission}/file?purpose=核实线索", ["allowed", "hidden", "allowed", "refused", "refused", "refused"]),
            ("error report", $"/api/submissions/{submission}/errors", ["allowed", "hidden", "ask purpose", "refused", "refused", "refused"]),
            ("error report with a purpose", $"/api/submissions/{submission}/errors?purpose=核实线索", ["allowed", "hidden", "allowed", "refused", "refused", "refused"]),
            ("taxpayer file", $"/api/taxpayers/{subject}/records", ["refused", "refused", "allowed", "allowed", "refused", "refused"]),
            ("scoreboard of all", "/api/scoreboard?from=2016-01&to=2016-06", ["allowed", "allowed", "allowed", "refused", "allowed", "allowed"]),
            ("an agency's scoreboard", "/api/agencies/market-regulator/scoreboard?from=2016-01&to=2016-06",
                ["allowed", "refused", "allowed", "refused", "allowed", "allowed"]),
            ("a template", "/api/templates/business-registrations", ["allowed", "hidden", "allowed", "allowed", "allowed", "allowed"]),
            ("the agencies", "/api/agencies", ["allowed", "allowed", "allowed", "allowed", "allowed", "allowed"]),
        ];
        var failures = new List<string>();
        foreach (var (caller, column) in Callers.Select((c, i) => (c, i)))
        {
            var client = await Client(caller);
            foreach (var (operation, url, expected) in matrix)
            {
                using var response = await client.GetAsync(url);
                if (Outcome(response.StatusCode) != expected[column])
                {
                    failures.Add($"{caller} / {operation}: expected {expected[column]}, got {(int)response.StatusCode} {Outcome(response.StatusCode)}");
                }
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Changes_are_the_roles_own_only()
    {
        var failures = new List<string>();
        foreach (var caller in Callers)
        {
            var client = await Client(caller);
            using var register = await client.PostAsJsonAsync("/api/agencies", new { });
            using var draft = await client.PostAsJsonAsync("/api/templates", new { });
            using var submit = await client.SendAsync(Files.Registrations(1, "2016-05", first: 9200), period: "2016-05");
            using var addPerson = await client.PostAsJsonAsync("/api/people", new { });
            (string What, HttpResponseMessage Response, bool Allowed)[] checks =
            [
                ("register an agency", register, caller == Roles.Admin),
                ("draft a template", draft, caller is Roles.Analyst or Roles.Admin),
                ("send a file", submit, caller is Regulator or OtherAgency),
                ("add a person", addPerson, caller == Roles.Admin),
            ];
            failures.AddRange(checks.Where(c => (c.Response.StatusCode == HttpStatusCode.Forbidden) == c.Allowed)
                .Select(c => $"{caller} / {c.What}: {(int)c.Response.StatusCode}"));
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task An_officer_sees_the_supplier_masked_and_an_analyst_sees_it_named()
    {
        var (_, subject) = await SeedAsync();
        var analyst = await (await Client(Roles.Analyst)).GetFromJsonAsync<JsonElement>($"/api/taxpayers/{subject}/records");
        var officer = await (await Client(Roles.Officer)).GetFromJsonAsync<JsonElement>($"/api/taxpayers/{subject}/records");
        var named = Assert.Single(analyst.GetProperty("records").EnumerateArray());
        var masked = Assert.Single(officer.GetProperty("records").EnumerateArray());
        Assert.Equal("market-regulator", named.GetProperty("agency").GetString());
        Assert.Equal((TaxpayerFile.ThirdParty, "", 0),
            (masked.GetProperty("agency").GetString(), masked.GetProperty("submissionId").GetString(), masked.GetProperty("row").GetInt32()));
        Assert.Equal(named.GetProperty("values").GetProperty("name").GetString(), masked.GetProperty("values").GetProperty("name").GetString());

        var graph = await (await Client(Roles.Officer)).PostAsJsonAsync("/graphql",
            new { query = $"{{ taxpayerRecords(subject: \"{subject}\") {{ nodes {{ agency submissionId }} }} }}" });
        var record = JsonDocument.Parse(await graph.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("taxpayerRecords").GetProperty("nodes")[0];
        Assert.Equal(TaxpayerFile.ThirdParty, record.GetProperty("agency").GetString());
    }

    [Fact]
    public async Task Graphql_fields_ask_the_same_policy_as_rest()
    {
        var (_, subject) = await SeedAsync();
        (string Field, string Query, string[] Expected)[] matrix =
        [
            // Callers:                          regulator   finance     analyst    officer    leader     admin
            ("taxpayerRecords", $"{{ taxpayerRecords(subject: \"{subject}\") {{ nodes {{ state }} }} }}",
                ["refused", "refused", "allowed", "allowed", "refused", "refused"]),
            ("taxpayer", $"{{ taxpayer(subject: \"{subject}\") {{ sources {{ agency }} leads {{ totalCount }} }} }}",
                ["refused", "refused", "allowed", "allowed", "refused", "refused"]),
            ("scoreboard", "{ scoreboard(from: \"2016-01\", to: \"2016-06\") { agency } }",
                ["allowed", "allowed", "allowed", "refused", "allowed", "allowed"]),
            ("templates", "{ templates { id } }", ["allowed", "allowed", "allowed", "allowed", "allowed", "allowed"]),
            ("controlResults", "{ controlResults(from: \"2016-01\", to: \"2016-06\") { headline { leadsRaised } } }",
                ["allowed", "allowed", "allowed", "refused", "allowed", "allowed"]),
        ];
        var failures = new List<string>();
        foreach (var (caller, column) in Callers.Select((c, i) => (c, i)))
        {
            var client = await Client(caller);
            foreach (var (field, query, expected) in matrix)
            {
                var outcome = await GraphQLOutcome.OfAsync(client, query);
                if (outcome != expected[column])
                {
                    failures.Add($"{caller} / {field}: expected {expected[column]}, got {outcome}");
                }
            }
        }
        Assert.Empty(failures);

        // In scope: an agency's scoreboard and templates are its own.
        var regulator = await Client(Regulator);
        var own = JsonDocument.Parse(await (await regulator.PostAsJsonAsync("/graphql",
            new { query = "{ scoreboard(from: \"2016-01\", to: \"2016-06\") { agency } templates { agency } }" })).Content.ReadAsStringAsync());
        var data = own.RootElement.GetProperty("data");
        Assert.All(data.GetProperty("scoreboard").EnumerateArray(), s => Assert.Equal("market-regulator", s.GetProperty("agency").GetString()));
        Assert.All(data.GetProperty("templates").EnumerateArray(), t => Assert.Equal("market-regulator", t.GetProperty("agency").GetString()));
    }

    /// <summary>
    /// Taxpayers in Shunqing (511302), in Gaoping (511303, the same city) and in Zhengzhou (410100, another city), read by
    /// people of the Shunqing office, by an analyst of the city's bureau (5113) and by the bureau's analyst client, which
    /// carries no jurisdiction and so reaches the whole city.
    /// </summary>
    [Fact]
    public async Task People_read_taxpayers_in_their_jurisdiction_only_over_rest_and_graphql()
    {
        var subjects = await SeedDivisionsAsync();
        string[] columns = ["shunqing", "gaoping", "zhengzhou", "no division"];
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("shunqing.analyst", Roles.Analyst, Office: "shunqing-office", Jurisdiction: "511302"));
        await signIn.PersonAsync(new NewPerson("shunqing.officer", Roles.Officer, Office: "shunqing-office", Jurisdiction: "511302"));
        await signIn.PersonAsync(new NewPerson("city.analyst", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"));
        (string Caller, Task<HttpClient> Client, string[] Expected)[] matrix =
        [
            // Subjects:                                                               shunqing   gaoping    zhengzhou  no division
            ("Shunqing analyst", signIn.ClientAsync("shunqing.analyst"), ["allowed", "hidden", "hidden", "hidden"]),
            ("Shunqing officer", signIn.ClientAsync("shunqing.officer"), ["allowed", "hidden", "hidden", "hidden"]),
            ("city analyst", signIn.ClientAsync("city.analyst"), ["allowed", "allowed", "hidden", "hidden"]),
            ("analyst client", Client(Roles.Analyst), ["allowed", "allowed", "allowed", "allowed"]),
        ];
        var failures = new List<string>();
        foreach (var (caller, clientTask, expected) in matrix)
        {
            var client = await clientTask;
            foreach (var (subject, column) in subjects.Select((s, i) => (s, i)))
            {
                using var rest = await client.GetAsync($"/api/taxpayers/{subject}/records?purpose=核实线索");
                var graph = await GraphQLOutcome.OfAsync(client, $"{{ taxpayerRecords(subject: \"{subject}\", purpose: \"核实线索\") {{ nodes {{ state }} }} }}");
                var history = await GraphQLOutcome.OfAsync(client, $"{{ taxpayer(subject: \"{subject}\", purpose: \"核实线索\") {{ subject }} }}");
                failures.AddRange(new[] { ("REST", Outcome(rest.StatusCode)), ("GraphQL", graph), ("GraphQL taxpayer", history) }
                    .Where(o => o.Item2 != expected[column])
                    .Select(o => $"{caller} / {columns[column]} over {o.Item1}: expected {expected[column]}, got {o.Item2}"));
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_read_outside_the_jurisdiction_shows_no_record_and_is_not_audited()
    {
        var gaoping = (await SeedDivisionsAsync())[1];
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("shunqing.reader", Roles.Analyst, Office: "shunqing-office", Jurisdiction: "511302"));
        var audit = platform.Services.GetRequiredService<AuditTrail>();
        var before = (await audit.QueryAsync(null, gaoping, null, null, 100, default)).Count;

        using var response = await (await signIn.ClientAsync("shunqing.reader")).GetAsync($"/api/taxpayers/{gaoping}/records");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(TaxpayerFile.OutsideJurisdiction(gaoping), JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("market-regulator", body, StringComparison.Ordinal);
        Assert.Equal(before, (await audit.QueryAsync(null, gaoping, null, null, 100, default)).Count);
    }

    [Fact]
    public async Task A_county_bound_analyst_is_refused_whole_files_and_error_reports_which_a_city_analyst_reads()
    {
        var (submission, _) = await SeedAsync();
        var signIn = new WebFrontSignIn(platform);
        await signIn.PersonAsync(new NewPerson("shunqing.files", Roles.Analyst, Office: "shunqing-office", Jurisdiction: "511302"));
        await signIn.PersonAsync(new NewPerson("city.files", Roles.Analyst, Office: "nanchong-bureau", Jurisdiction: "5113"));
        await signIn.PersonAsync(new NewPerson("province.files", Roles.Analyst, Office: "sichuan-bureau", Jurisdiction: "51"));
        // Another city's prefix is as short as this city's, and reaches none of its files (the platform serves 5113).
        await signIn.PersonAsync(new NewPerson("chengdu.files", Roles.Analyst, Office: "chengdu-bureau", Jurisdiction: "5101"));
        var county = await signIn.ClientAsync("shunqing.files");
        var city = await signIn.ClientAsync("city.files");
        var province = await signIn.ClientAsync("province.files");
        var otherCity = await signIn.ClientAsync("chengdu.files");
        var audit = platform.Services.GetRequiredService<AuditTrail>();
        var auditedBefore = (await audit.QueryAsync(null, submission, null, null, 100, default)).Count;

        foreach (var path in new[] { "file", "errors", "errors?format=csv" })
        {
            var url = $"/api/submissions/{submission}/{path}{(path.Contains('?') ? '&' : '?')}purpose=核对报送";
            using var refused = await county.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("/api/taxpayers/{subject}/records", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
            using var elsewhere = await otherCity.GetAsync(url);
            Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
            using var read = await city.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            using var wider = await province.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, wider.StatusCode);
        }
        // The city's and the province's analysts' reads are audited, the refusals are not.
        Assert.Equal(auditedBefore + 6, (await audit.QueryAsync(null, submission, null, null, 100, default)).Count);
    }

    /// <summary>One registration each in Shunqing, Gaoping and Zhengzhou, and a key that names no division.</summary>
    private async Task<string[]> SeedDivisionsAsync()
    {
        string[] subjects = [Files.Uscc(9300, "511302"), Files.Uscc(9301, "511303"), Files.Uscc(9302), "no-division"];
        var rows = subjects[..3].Select((subject, i) =>
        {
            var row = Files.Registration(9300 + i, "2016-03");
            row[0] = subject;
            return row;
        }).ToArray();
        var receipt = await (await Client(Regulator)).SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2016-03");
        Assert.Equal(SubmissionStatus.Accepted, receipt.Status);
        return subjects;
    }

    [Fact]
    public void Every_endpoint_names_its_operation_or_is_public()
    {
        var unnamed = platform.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessRule>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.Empty(unnamed);
    }

    [Fact]
    public void Every_graphql_query_field_names_its_operation()
    {
        var schema = platform.Services.GetRequiredService<ISchema>();
        schema.Initialize();
        var unnamed = schema.Query.Fields.Concat(schema.Mutation?.Fields ?? []).Where(f => !f.Name.StartsWith("__", StringComparison.Ordinal))
            .Where(f => f.GetMetadata<Operation?>(AccessRule.MetadataKey) is null)
            .Select(f => f.Name)
            .ToList();
        Assert.Empty(unnamed);
    }

    [Fact]
    public void Every_operation_has_a_row_in_the_policy()
    {
        Assert.All(Enum.GetValues<Operation>(), operation => Assert.NotNull(AccessPolicy.Row(operation)));
    }
}
