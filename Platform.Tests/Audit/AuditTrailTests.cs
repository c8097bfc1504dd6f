using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Agencies;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Api.Hosting;
using Platform.Api.Submissions;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Audit;

public sealed class AuditTrailTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private AuditTrail Trail => platform.Services.GetRequiredService<AuditTrail>();

    private Task<List<AuditEntry>> Audited(string subject) => Trail.QueryAsync(null, subject, null, null, 100, CancellationToken.None);

    [Fact]
    public async Task Taxpayer_reads_raw_files_error_reports_and_privileged_changes_are_each_chained_with_who_what_and_from_where()
    {
        var (regulator, receipt) = await SubmitOneGoodRowAndOneBadAsync(platform, 5101, "2024-05");
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var uscc = Files.Uscc(5101);

        (await analyst.GetAsync($"/api/taxpayers/{uscc}/records?purpose=lead%2042")).EnsureSuccessStatusCode();
        (await regulator.GetAsync($"/api/submissions/{receipt.Id}/file")).EnsureSuccessStatusCode();
        (await analyst.GetAsync($"/api/submissions/{receipt.Id}/errors?format=csv&purpose=lead%2042")).EnsureSuccessStatusCode();
        var admin = await platform.ClientForAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("audit-office", "审计局", "Audit office"))).EnsureSuccessStatusCode();
        var client = await (await admin.PostAsync("/api/agencies/audit-office/clients", null)).Content.ReadFromJsonAsync<AgencyClient>();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/agencies/audit-office/clients/{client!.ClientId}")).StatusCode);

        var read = Assert.Single(await Audited(uscc));
        Assert.Equal(("demo-analyst", Roles.Analyst, null, "taxpayer.records", 1L, "lead 42"),
            (read.Actor, read.Role, read.Agency, read.Operation, read.RowCount, read.Purpose));
        var submission = await Audited(receipt.Id);
        Assert.Equal(["submission.errors", "submission.file"], submission.Select(e => e.Operation));
        Assert.Equal(("market-regulator", 2L), (submission[1].Agency, submission[1].RowCount));
        Assert.Equal(1L, submission[0].RowCount);
        Assert.Equal(["client.revoke", "client.issue", "agency.register"], (await Audited("audit-office")).Select(e => e.Operation));

        var verification = await AuditChain.VerifyAsync(platform.Services.GetRequiredService<NpgsqlDataSource>(), CancellationToken.None);
        Assert.True(verification.Intact, verification.ToString());
        Assert.True(verification.Entries >= 6);
    }

    [Fact]
    public async Task A_template_negotiation_step_is_audited_in_the_transaction_of_the_step()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var template = await analyst.GetFromJsonAsync<JsonElement>("/api/templates/business-registrations/versions/1/table-schema");
        using var draft = await analyst.PostAsJsonAsync("/api/templates", new
        {
            id = "audited-template", agency = "market-regulator", kind = "registrations", title = "审计", titleEn = "Audited", tableSchema = template,
        });
        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.PostAsync("/api/templates/audited-template/versions/1/propose", null)).StatusCode);
        // A refused step changes nothing and records nothing.
        Assert.Equal(HttpStatusCode.Conflict, (await analyst.PostAsync("/api/templates/audited-template/versions/1/activate", null)).StatusCode);

        Assert.Equal(["template.propose", "template.draft"], (await Audited("audited-template")).Select(e => e.Operation));
    }

    [Fact]
    public async Task Concurrent_appends_chain_one_after_another_without_gaps()
    {
        var actor = new AuditActor("concurrency-test", Roles.Analyst, null, "127.0.0.1");
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => Trail.RecordAsync(actor, "test.concurrent", [$"c{i}"], i, null, CancellationToken.None))));

        var entries = await Trail.QueryAsync("concurrency-test", null, null, null, 100, CancellationToken.None);
        Assert.Equal(40, entries.Count);
        var verification = await AuditChain.VerifyAsync(platform.Services.GetRequiredService<NpgsqlDataSource>(), CancellationToken.None);
        Assert.True(verification.Intact, verification.ToString());
    }

    [Fact]
    public async Task Batches_appended_beside_single_entries_keep_the_chain_without_gaps_and_each_batch_in_one_run()
    {
        var actor = new AuditActor("interleave-test", Roles.Agency, "finance", "127.0.0.1");
        var singles = Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => Trail.RecordAsync(actor, "test.single", [$"i{i}"], null, null, CancellationToken.None)));
        var batches = Enumerable.Range(0, 10).Select(b => Task.Run(() => Trail.RecordManyAsync(
            Enumerable.Range(0, 25).Select(i => new AuditRecord(DateTimeOffset.UtcNow, actor, $"test.batch-{b}", [$"b{b}-{i}"])).ToList(),
            CancellationToken.None)));
        await Task.WhenAll(singles.Concat(batches));

        var entries = await Trail.QueryAsync("interleave-test", null, null, null, 1000, CancellationToken.None);
        Assert.Equal(30 + 10 * 25, entries.Count);
        Assert.All(entries.Where(e => e.Operation.StartsWith("test.batch-", StringComparison.Ordinal)).GroupBy(e => e.Operation), batch =>
        {
            // A batch's entries follow one another, in the order given.
            var inOrder = batch.OrderBy(e => e.Seq).ToList();
            Assert.Equal(inOrder[0].Seq + 24, inOrder[^1].Seq);
            Assert.Equal(Enumerable.Range(0, 25).Select(i => $"b{batch.Key["test.batch-".Length..]}-{i}"), inOrder.Select(e => e.Subjects[0]));
        });
        var verification = await AuditChain.VerifyAsync(platform.Services.GetRequiredService<NpgsqlDataSource>(), CancellationToken.None);
        Assert.True(verification.Intact, verification.ToString());
    }

    [Fact]
    public async Task The_apps_own_connection_cannot_update_delete_or_truncate_an_entry()
    {
        await Trail.RecordAsync(new AuditActor("append-only-test", Roles.Admin, null, null), "test.append-only", ["x"], null, null, CancellationToken.None);
        var dataSource = platform.Services.GetRequiredService<NpgsqlDataSource>();
        foreach (var statement in new[]
                 {
                     $"update {AuditTable.Name} set purpose = 'changed' where actor = 'append-only-test'",
                     $"delete from {AuditTable.Name} where actor = 'append-only-test'",
                     $"truncate {AuditTable.Name}",
                 })
        {
            await using var command = dataSource.CreateCommand(statement);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }
        Assert.Null(Assert.Single(await Trail.QueryAsync("append-only-test", null, null, null, 10, CancellationToken.None)).Purpose);
    }

    [Fact]
    public async Task A_role_granted_what_the_app_role_gets_may_append_but_is_denied_update_and_delete()
    {
        var role = $"audit_app_{Guid.NewGuid():N}"[..24];
        var dataSource = platform.Services.GetRequiredService<NpgsqlDataSource>();
        await Execute(dataSource, $"""
            create role {role} login;
            grant usage on schema platform to {role};
            grant select, insert, update, delete, truncate on all tables in schema platform to {role};
            grant execute on all functions in schema platform to {role};
            """);
        try
        {
            // What the migrate step does after the default privileges have granted the app role everything.
            await DatabaseSchema.ApplyAsync(platform.Services, CancellationToken.None);
            await using var asApp = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(platform.ConnectionString)
            {
                Username = role, Pooling = false,
            }.ConnectionString);
            var asAppTrail = new AuditTrail(asApp, TimeProvider.System, new AuditOptions());
            await asAppTrail.RecordAsync(new AuditActor(role, Roles.Analyst, null, null), "test.role", ["r"], null, null, CancellationToken.None);
            await asAppTrail.RecordManyAsync([new AuditRecord(DateTimeOffset.UtcNow, new AuditActor(role, Roles.Agency, null, null), "test.role", ["m"])],
                CancellationToken.None);
            Assert.Equal(2, (await Trail.QueryAsync(role, null, null, null, 10, CancellationToken.None)).Count);
            foreach (var statement in new[] { $"update {AuditTable.Name} set purpose = 'x'", $"delete from {AuditTable.Name}", $"truncate {AuditTable.Name}" })
            {
                var denied = await Assert.ThrowsAsync<PostgresException>(() => Execute(asApp, statement));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
                Assert.Contains("permission denied", denied.MessageText, StringComparison.Ordinal);
            }
        }
        finally
        {
            await Execute(dataSource, $"drop owned by {role}; drop role {role};");
        }
    }

    [Fact]
    public async Task Only_administrators_query_the_trail_by_actor_subject_and_time_newest_first_within_a_bounded_limit()
    {
        var actor = new AuditActor("query-test", Roles.Officer, null, "10.0.0.9");
        foreach (var subject in new[] { "q1", "q2", "q1" })
        {
            await Trail.RecordAsync(actor, "test.query", [subject], null, null, CancellationToken.None);
        }
        var admin = await platform.ClientForAsync(Roles.Admin);
        var bySubject = await admin.GetFromJsonAsync<List<AuditEntry>>("/api/audit?actor=query-test&subject=q1");
        Assert.Equal(2, bySubject!.Count);
        Assert.True(bySubject[0].Seq > bySubject[1].Seq);
        Assert.Single((await admin.GetFromJsonAsync<List<AuditEntry>>("/api/audit?actor=query-test&limit=1"))!);
        Assert.Equal(3, (await admin.GetFromJsonAsync<List<AuditEntry>>("/api/audit?actor=query-test&limit=100000"))!.Count);
        var later = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Empty((await admin.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?actor=query-test&from={later}"))!);
        Assert.Equal(3, (await admin.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?actor=query-test&to={later}"))!.Count);
        // Bounds in Beijing time, as an administrator in the city writes them, are the same instants (not a 500).
        var laterInBeijing = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToOffset(TimeSpan.FromHours(8)).ToString("O"));
        Assert.Empty((await admin.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?actor=query-test&from={laterInBeijing}"))!);
        Assert.Equal(3, (await admin.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?actor=query-test&to={laterInBeijing}"))!.Count);

        // A bound that is not a time says which and what was sent (it was an empty 400).
        using var garbled = await admin.GetAsync("/api/audit?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);
        var problem = await garbled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("from", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("yesterday", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal); // no type names
        using var notJson = await admin.PostAsync("/api/agencies", new StringContent("{\"id\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.StartsWith("The request body is not the JSON this endpoint reads",
            (await notJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var analyst = await platform.ClientForAsync(Roles.Analyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/api/audit")).StatusCode);
        var query = new { query = "{ auditTrail(actor: \"query-test\", subject: \"q2\") { seq operation subjects address } }" };
        var answer = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/graphql", query)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("10.0.0.9", Assert.Single(answer.GetProperty("data").GetProperty("auditTrail").EnumerateArray()).GetProperty("address").GetString());
        var refused = JsonDocument.Parse(await (await analyst.PostAsJsonAsync("/graphql", query)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("FORBIDDEN", refused.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_stated_purpose_longer_than_the_bound_is_refused_before_anything_is_read()
    {
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var subject = Files.Uscc(5201);
        using var refused = await analyst.GetAsync($"/api/taxpayers/{subject}/records?purpose={new string('x', new AuditOptions().MaxPurposeChars + 1)}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(await Audited(subject));
    }

    /// <summary>The market regulator sends taxpayer <paramref name="serial"/>'s registration and a row with a wrong period after it.</summary>
    internal static async Task<(HttpClient Regulator, Receipt Receipt)> SubmitOneGoodRowAndOneBadAsync(PlatformFactory platform, int serial, string period)
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await regulator.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(serial, period), Files.Registration(serial + 1, "2024-13")])),
            period: period);
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, receipt.Status);
        return (regulator, receipt);
    }

    internal static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
