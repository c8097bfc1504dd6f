using System.Text;
using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

/// <summary>
/// However many problems a file has, the report keeps the first ones in full and counts the rest by field and code;
/// the receipt and every form of the report say when it is truncated. Here the limit is 40 problems.
/// </summary>
public sealed class ErrorReportTests : IAsyncLifetime
{
    private const int Kept = 40;
    private readonly PlatformFactory platform = new PlatformFactory().WithSetting("Ingest:MaxErrorsKept", $"{Kept}").WithSetting("Ingest:BatchSize", "50");

    public Task InitializeAsync() => ((IAsyncLifetime)platform).InitializeAsync();

    public async Task DisposeAsync() => await platform.DisposeAsync();

    private async Task<long> Scalar(string sql, string submissionId)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = submissionId } } };
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>300 rows, each with a wrong date and a wrong status (600 problems), and 10 good rows.</summary>
    private static byte[] ManyWrongRows() => Files.Utf8(Files.Csv(Enumerable.Range(1, 310).Select(i =>
    {
        var row = Files.Registration(5000 + i, "2019-03");
        if (i <= 300)
        {
            row[4] = "2015/06/01";
            row[5] = "不详";
        }
        return row;
    })));

    [Fact]
    public async Task A_file_with_more_problems_than_kept_lists_the_first_and_counts_all_by_field_and_code()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await client.SubmitAsync(ManyWrongRows(), period: "2019-03");
        Assert.Equal((SubmissionStatus.AcceptedWithErrors, 10, 300), (receipt.Status, receipt.RowsAccepted, receipt.RowsRejected));
        Assert.Equal((600, Kept, true), (receipt.Problems, receipt.ProblemsListed, receipt.ErrorReportTruncated));

        var report = await client.ErrorReportAsync(receipt.Id);
        Assert.Equal((600, Kept, true, Kept), (report.Problems, report.Listed, report.Truncated, report.Errors.Count));
        Assert.Equal([2, 2], report.Errors.Take(2).Select(e => e.Row ?? 0));
        Assert.Equal(600, report.Counts.Sum(c => c.Count));
        Assert.Contains(report.Counts, c => c is { Field: "established", Code: "type-error", Count: 300 });
        Assert.Contains(report.Counts, c => c is { Field: "status", Code: "constraint-error", Count: 300 });

        // Storage is bounded: the problems kept in full, one count per field and code, and events of counts only.
        Assert.Equal(Kept, await Scalar("select count(*) from platform.ingest_error where submission_id = $1", receipt.Id));
        Assert.Equal(2, await Scalar("select count(*) from platform.ingest_error_count where submission_id = $1", receipt.Id));
        Assert.InRange(await Scalar("select max(length(data::text)) from platform.mt_events where stream_id = $1", receipt.Id), 1, 1000);

        var csv = Encoding.UTF8.GetString((await client.GetByteArrayAsync($"/api/submissions/{receipt.Id}/errors?format=csv"))[3..]);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + Kept + 1 + 2, lines.Length);
        Assert.Contains("600 problems were found; the first 40 are listed", lines[1 + Kept], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith(",established,type-error,error,", StringComparison.Ordinal) && l.Contains("300 in all", StringComparison.Ordinal));

        var workbook = await client.GetByteArrayAsync($"/api/submissions/{receipt.Id}/errors?format=xlsx");
        var cells = await Files.XlsxCellsAsync(workbook);
        Assert.Equal(1 + Kept + 1 + 2, cells.Count);
        Assert.Contains(cells, row => row[1] == "status" && row[2] == "constraint-error" && row[5] == "300 in all");
    }

    [Fact]
    public async Task A_report_within_the_limit_is_whole_and_says_so()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var rows = new[] { Files.Registration(6001, "2019-04"), Files.Registration(6002, "2019-04") };
        rows[1][4] = "2015/06/01";
        var receipt = await client.SubmitAsync(Files.Utf8(Files.Csv(rows)), period: "2019-04");
        Assert.Equal((1, 1, false), (receipt.Problems, receipt.ProblemsListed, receipt.ErrorReportTruncated));
        var report = await client.ErrorReportAsync(receipt.Id);
        Assert.Equal((1, 1, false), (report.Problems, report.Listed, report.Truncated));
        Assert.Equal(3, Assert.Single(report.Errors).Row);
        Assert.Equal(new ErrorCount("established", "type-error", "error", 1), Assert.Single(report.Counts));
    }

    [Fact]
    public async Task A_file_rejected_for_its_header_has_the_header_problems_in_its_error_report()
    {
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var header = Files.RegistrationsHeader.Replace("name,", "nme,", StringComparison.Ordinal);
        var receipt = await client.SubmitAsync(Files.Utf8(Files.Csv([Files.Registration(6101, "2019-05")], header)), period: "2019-05");
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        var report = await client.ErrorReportAsync(receipt.Id);
        Assert.NotEmpty(report.Errors);
        Assert.Contains(report.Errors, e => e.Value == "nme" || e.Message.Contains("nme", StringComparison.Ordinal));
        Assert.Equal(report.Errors.Count, report.Problems);
        Assert.Equal(report.Errors.Count, receipt.Problems);
    }
}
