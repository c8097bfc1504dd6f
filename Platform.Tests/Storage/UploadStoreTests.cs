using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Ingest.Submissions;
using Platform.Tests.Support;

namespace Platform.Tests.Storage;

public sealed class UploadStoreTests
{
    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    /// <summary>A host whose submissions wait until the test runs the worker itself.</summary>
    private static async Task<PlatformFactory> Started(PlatformFactory platform)
    {
        await ((IAsyncLifetime)platform.WithSetting("Ingest:RunWorker", "false")).InitializeAsync();
        return platform;
    }

    private static async Task<string> RecordedPathAsync(PlatformFactory platform, string submissionId)
    {
        await using var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(submissionId);
        return events.Select(e => e.Data).OfType<SubmissionReceived>().Single().StoredPath;
    }

    [Fact]
    public async Task A_kept_file_is_recorded_relative_to_the_data_directory_and_found_after_the_data_moves()
    {
        await using var before = await Started(new PlatformFactory());
        var regulator = await before.ClientForAsync(Roles.Agency, "market-regulator");
        var file = Files.Registrations(3, "2024-01");
        var id = (await SubmissionClient.ReceiptOf(await regulator.SendAsync(file, period: "2024-01"))).Id;

        var recorded = await RecordedPathAsync(before, id);
        Assert.False(Path.IsPathRooted(recorded), recorded);
        Assert.StartsWith("uploads/", recorded, StringComparison.Ordinal);

        // Restored on another host: the same database, the data directory copied to another place, the old one gone.
        var moved = PlatformFactory.OnDatabase(before.ConnectionString);
        Copy(before.DataDirectory, moved.DataDirectory);
        Directory.Move(Path.Combine(before.DataDirectory, "uploads"), Path.Combine(before.DataDirectory, "uploads-gone"));
        await using var after = await Started(moved);
        regulator = await after.ClientForAsync(Roles.Agency, "market-regulator");

        Assert.Equal(file, await regulator.GetByteArrayAsync($"/api/submissions/{id}/file"));
        await after.Services.GetRequiredService<Platform.Ingest.Processing.IngestWorker>().RunOnceAsync(CancellationToken.None);
        var processed = await regulator.FinishedAsync(id);
        Assert.Equal((SubmissionStatus.Accepted, 3), (processed.Status, processed.RowsAccepted));
    }
}
