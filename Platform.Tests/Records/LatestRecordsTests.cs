using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Tests.Support;

namespace Platform.Tests.Records;

/// <summary>
/// Each subject's standing registration as the rules read it (<see cref="IngestRecords.StandingPerSubjectAsync"/>): from
/// the latest records ingest keeps, equal at every step to sorting the typed view per subject, through new files of
/// two months, a correction, a void and a replacement; and for a day before the latest month, as of that day.
/// </summary>
public sealed class LatestRecordsTests(PlatformFactory platform) : IClassFixture<PlatformFactory>
{
    private const string Template = "business-registrations", Earlier = "2019-05", Later = "2019-06";
    private static readonly string[] Subjects = [.. Enumerable.Range(801, 5).Select(n => Files.Uscc(n))];

    /// <summary>(subject → submission, row, status) of each subject's standing record as of <paramref name="asOf"/>, read through the SELECT the rules get.</summary>
    private async Task<(Dictionary<string, string> Standing, string Select)> ReadAsync(DateOnly asOf)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        var select = (await IngestRecords.StandingPerSubjectAsync(connection, [Template], asOf, default))[Template];
        return (await RowsAsync(connection, select, asOf), select);
    }

    /// <summary>The same, by sorting the typed view per subject as RULES.md defines the standing registration.</summary>
    private async Task<Dictionary<string, string>> SortedAsync(DateOnly asOf)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        return await RowsAsync(connection, $"""
            select distinct on (subject_key) * from {IngestRecords.TypedView(Template).Name} where period <= $1
             order by subject_key, period desc, submission_id desc, row_number desc
            """, asOf);
    }

    private static async Task<Dictionary<string, string>> RowsAsync(NpgsqlConnection connection, string select, DateOnly asOf)
    {
        await using var command = new NpgsqlCommand(
            $"select subject_key, submission_id || ':' || row_number || ':' || status || ':' || to_char(period, 'YYYY-MM') from ({select}) s where subject_key = any($2)",
            connection) { Parameters = { new() { Value = asOf }, new() { Value = Subjects } } };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0), reader.GetString(1));
        }
        return rows;
    }

    private static DateOnly End(string period) => Period.Parse(period).LastDay;

    private async Task<Dictionary<string, string>> SameAsSortedAsync()
    {
        var (standing, select) = await ReadAsync(End(Later));
        Assert.Contains("latest_business_registrations", select, StringComparison.Ordinal);
        Assert.Equal(await SortedAsync(End(Later)), standing);
        return standing;
    }

    [Fact]
    public async Task The_latest_records_follow_new_files_corrections_voids_and_replacements_as_sorting_the_view_would()
    {
        var regulator = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        async Task SendAsync(string period, string mode, params string[][] rows) =>
            Assert.Equal(SubmissionStatus.Accepted, (await regulator.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: period, mode: mode)).Status);

        await SendAsync(Earlier, "new", [.. Enumerable.Range(801, 4).Select(n => Files.Registration(n, Earlier))]);
        Assert.All((await SameAsSortedAsync()).Values, v => Assert.EndsWith(":存续:" + Earlier, v, StringComparison.Ordinal));

        // The next month: two of them changed (a business appears again in the month of its change).
        await SendAsync(Later, "new", Files.Registration(801, Later, name: "变更"), Files.Registration(802, Later, name: "变更"));
        var moved = await SameAsSortedAsync();
        Assert.EndsWith(Later, moved[Subjects[0]], StringComparison.Ordinal);

        await SendAsync(Later, "correct", Files.Registration(801, Later, status: "注销"));
        Assert.EndsWith(":注销:" + Later, (await SameAsSortedAsync())[Subjects[0]], StringComparison.Ordinal);

        // Voided, the later record stops standing and the earlier month's stands again.
        await regulator.SubmitAsync(Files.Utf8($"uscc,period\r\n{Subjects[1]},{Later}\r\n"), period: Later, mode: "void");
        Assert.EndsWith(Earlier, (await SameAsSortedAsync())[Subjects[1]], StringComparison.Ordinal);

        // The earlier month replaced: 803 withdrawn (no record left), 805 new, 804 kept.
        await SendAsync(Earlier, "replace", Files.Registration(802, Earlier), Files.Registration(804, Earlier), Files.Registration(805, Earlier));
        var replaced = await SameAsSortedAsync();
        Assert.Equal([Subjects[0], Subjects[1], Subjects[3], Subjects[4]], replaced.Keys.Order(StringComparer.Ordinal));

        // As of the earlier month, the later records do not count: sorted, as of that day.
        var (asOfEarlier, select) = await ReadAsync(End(Earlier));
        Assert.DoesNotContain("latest_business_registrations", select, StringComparison.Ordinal);
        Assert.Equal(await SortedAsync(End(Earlier)), asOfEarlier);
        Assert.All(asOfEarlier.Values, v => Assert.EndsWith(Earlier, v, StringComparison.Ordinal));
    }
}
