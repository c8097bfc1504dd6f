using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Records;

/// <summary>Ingest's one read layer: records as they stand, and no one else reading ingest's tables.</summary>
public sealed class IngestRecordsTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    [Fact]
    public async Task Records_as_they_stand_are_the_current_versions_with_withdrawn_ones_flagged()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        const string period = "2017-05";
        Assert.Equal(SubmissionStatus.Accepted, (await client.SubmitAsync(Files.Registrations(3, period, first: 70), period: period)).Status);
        Assert.Equal(SubmissionStatus.Accepted, (await client.SubmitAsync(
            Files.Utf8(Files.Csv([Files.Registration(71, period, name: "更正")])), period: period, mode: "correct")).Status);
        Assert.Equal(SubmissionStatus.Accepted, (await client.SubmitAsync(
            Files.Utf8($"uscc,period\r\n{Files.Uscc(72)},{period}\r\n"), period: period, mode: "void")).Status);

        var records = new List<StandingRecord>();
        await foreach (var record in platform.Services.GetRequiredService<IngestRecords>()
                           .StandingAsync("business-registrations", Period.Parse(period), default))
        {
            records.Add(record);
        }
        Assert.Equal([Files.Uscc(70), Files.Uscc(71), Files.Uscc(72)], records.Select(r => r.SubjectKey));
        Assert.Equal("更正71", records[1].Values.GetProperty("name").GetString());
        Assert.Equal([false, false, true], records.Select(r => r.Voided));
        Assert.All(records, r => Assert.Equal((period, "market-regulator"), (r.Period.ToString(), r.Agency)));
    }

    [Fact]
    public async Task A_later_page_of_a_taxpayers_file_probes_the_subject_index_and_sorts_only_that_subjects_rows_under_the_page_limit()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        Assert.Equal(SubmissionStatus.Accepted, (await client.SubmitAsync(Files.Registrations(3, "2017-07", first: 80), period: "2017-07")).Status);

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(platform.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        // A few rows would be read whole by any plan; without sequential and bitmap scans, the plan left shows how the subject is found.
        await using (var off = new Npgsql.NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        await using var explain = new Npgsql.NpgsqlCommand("explain " + IngestRecords.TaxpayerFilePage(after: true), connection)
        {
            Parameters =
            {
                new() { Value = Files.Uscc(80) }, new() { Value = 3 }, new() { Value = new DateOnly(2017, 7, 1) },
                new() { Value = "business-registrations" }, new() { Value = "z" }, new() { Value = 1 },
            },
        };
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join("\n", plan);
        Assert.Contains("Index Scan using ix_ingest_record_subject", text, StringComparison.Ordinal);
        Assert.Contains("Index Cond: (subject_key = ", text, StringComparison.Ordinal);
        Assert.Contains("Filter: (ROW(period, template_id, submission_id, row_number) < ROW(", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        // The sort is bounded by the page (a top-N heap of first + 1 rows), so a page's memory is its size whatever the
        // file's, and the records' JSON is built above it (Result), for the page's rows only.
        int At(string node) => text.IndexOf(node, StringComparison.Ordinal);
        Assert.True(At("Limit") < At("Result") && At("Result") < At("Sort"), text);
        Assert.Contains("Sort Key: r.period DESC, r.template_id DESC, r.submission_id DESC, r.row_number DESC", text, StringComparison.Ordinal);
    }

    /// <summary>The projects that read ingest's records: through <see cref="IngestRecords"/> (and its typed views) only.</summary>
    private static readonly string[] Outside = ["Platform.Api", "Platform.Templates", "Platform.Comparisons", "Platform.City", "Platform.Reporting"];

    [Fact]
    public void No_code_outside_platform_ingest_names_ingests_tables()
    {
        string[] tables = ["ingest_record", "ingest_accepted", "ingest_error", "ingest_latest", "standing_", "latest_", "record_object", "typed_"];
        var offenders = Directory.EnumerateFiles(RepositoryRoot.Path, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Outside.Any(project => f.Contains($"{Path.DirectorySeparatorChar}{project}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            .Where(f => tables.Any(t => File.ReadAllText(f).Contains(t, StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f));
        Assert.Empty(offenders);
    }
}
