using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Auth;
using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Submissions;

public sealed class IngestLimitsTests
{
    [Fact]
    public async Task A_file_over_the_size_limit_is_a_413_and_a_row_over_the_length_limit_rejects_the_file()
    {
        await using var platform = new PlatformFactory();
        platform.WithSetting("Ingest:MaxFileBytes", "4000").WithSetting("Ingest:MaxRowChars", "300");
        await ((IAsyncLifetime)platform).InitializeAsync();
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");

        using var tooLarge = await client.SendAsync(Files.Registrations(40, "2024-01"), period: "2024-01");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("limit", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(new Kept(0, 0, ""), await Kept.ByAsync(platform));

        var longRow = Files.Registration(1, "2024-01");
        longRow[9] = new string('路', 400);
        var receipt = await client.SubmitAsync(Files.Utf8(Files.Csv([longRow])), period: "2024-01");
        Assert.Equal(SubmissionStatus.Rejected, receipt.Status);
        Assert.Contains("300 characters", receipt.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permanent_fault_fails_the_submission_with_a_reason_and_applies_nothing()
    {
        await using var platform = new PlatformFactory();
        platform.WithSetting("Ingest:RunWorker", "false");
        await ((IAsyncLifetime)platform).InitializeAsync();
        var client = await platform.ClientForAsync(Roles.Agency, "market-regulator");
        var receipt = await SubmissionClient.ReceiptOf(await client.SendAsync(Files.Registrations(5, "2024-01"), period: "2024-01"));

        await using (var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var stored = platform.Services.GetRequiredService<Platform.Ingest.Storage.UploadStore>().Resolve((await session.LoadAsync<Submission>(receipt.Id))!.StoredPath);
            File.SetAttributes(stored, FileAttributes.Normal);
            File.Delete(stored); // the kept upload is gone: not something a retry can mend
        }
        await platform.Services.GetRequiredService<IngestWorker>().RunOnceAsync(CancellationToken.None);

        var failed = await client.FinishedAsync(receipt.Id);
        Assert.Equal(SubmissionStatus.Failed, failed.Status);
        Assert.Contains("FileNotFoundException", failed.ReasonEn, StringComparison.Ordinal);
        Assert.Equal(0, failed.RowsAccepted);
        await using var records = NpgsqlDataSource.Create(platform.ConnectionString);
        await using var applied = records.CreateCommand(
            "select (select count(*) from platform.ingest_record where submission_id = $1) + (select count(*) from platform.standing_record where submission_id = $1)");
        applied.Parameters.Add(new NpgsqlParameter { Value = receipt.Id });
        Assert.Equal(0L, await applied.ExecuteScalarAsync());
    }
}
