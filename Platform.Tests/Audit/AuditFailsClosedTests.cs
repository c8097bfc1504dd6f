using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Platform.Api.Agencies;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Tests.Support;

namespace Platform.Tests.Audit;

/// <summary>When the audit cannot be written (here: a trigger that refuses every insert), nothing is read or changed.</summary>
public sealed class AuditFailsClosedTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task Reads_and_changes_fail_and_return_no_data_when_their_audit_entry_cannot_be_written()
    {
        var (regulator, receipt) = await AuditTrailTests.SubmitOneGoodRowAndOneBadAsync(platform, 5301, "2024-06");
        var analyst = await platform.ClientForAsync(Roles.Analyst);
        var admin = await platform.ClientForAsync(Roles.Admin);
        var uscc = Files.Uscc(5301);
        var rest = $"/api/taxpayers/{uscc}/records";
        var graphql = new { query = $"{{ taxpayerRecords(subject: \"{uscc}\") {{ nodes {{ values {{ field value }} }} }} }}" };
        Assert.Contains("郑州测试商贸有限公司5301", await analyst.GetStringAsync(rest), StringComparison.Ordinal);

        await using var dataSource = NpgsqlDataSource.Create(platform.ConnectionString);
        await AuditTrailTests.Execute(dataSource, $"""
            create function platform.test_refuse_audit() returns trigger language plpgsql as $$
            begin raise exception 'audit unavailable (test)'; end $$;
            create trigger test_refuse_audit before insert on {AuditTable.Name} for each row execute function platform.test_refuse_audit();
            """);
        try
        {
            foreach (var (client, path) in new[] { (analyst, rest), (regulator, $"/api/submissions/{receipt.Id}/file"), (analyst, $"/api/submissions/{receipt.Id}/errors?purpose=lead") })
            {
                using var refused = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
                var body = await refused.Content.ReadAsStringAsync();
                Assert.DoesNotContain("5301", body, StringComparison.Ordinal);
                Assert.DoesNotContain("5302", body, StringComparison.Ordinal);
            }

            var answer = JsonDocument.Parse(await (await analyst.PostAsJsonAsync("/graphql", graphql)).Content.ReadAsStringAsync()).RootElement;
            Assert.True(answer.TryGetProperty("errors", out _));
            Assert.DoesNotContain("5301", answer.ToString(), StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.InternalServerError,
                (await admin.PostAsJsonAsync("/api/agencies", new RegisterAgency("unaudited", "未审计", "Unaudited"))).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await admin.PostAsync("/api/agencies/market-regulator/clients", null)).StatusCode);
        }
        finally
        {
            await AuditTrailTests.Execute(dataSource, $"drop trigger test_refuse_audit on {AuditTable.Name}; drop function platform.test_refuse_audit();");
        }
        // The change was not made: the agency's registration and its audit entry share one transaction.
        Assert.DoesNotContain("unaudited", await admin.GetStringAsync("/api/agencies"), StringComparison.Ordinal);
        Assert.Contains("郑州测试商贸有限公司5301", await analyst.GetStringAsync(rest), StringComparison.Ordinal);
    }
}
