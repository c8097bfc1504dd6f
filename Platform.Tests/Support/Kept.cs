using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Ingest.Submissions;

namespace Platform.Tests.Support;

/// <summary>
/// What a host keeps of what it is sent: submission documents and their received events in its database, and the files
/// under the uploads folder of its data directory (kept uploads and half-written <c>.partial</c> ones alike). Taken
/// before and after a request, it shows that the request kept nothing.
/// </summary>
public sealed record Kept(int Submissions, int ReceivedEvents, string UploadedFiles)
{
    public static async Task<Kept> ByAsync(PlatformFactory platform)
    {
        await using var session = platform.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var uploads = Path.Combine(platform.DataDirectory, "uploads");
        IEnumerable<string> files = Directory.Exists(uploads)
            ? Directory.EnumerateFiles(uploads, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(uploads, f)).Order(StringComparer.Ordinal)
            : [];
        return new Kept(await session.Query<Submission>().CountAsync(), await session.Events.QueryRawEventDataOnly<SubmissionReceived>().CountAsync(),
            string.Join(", ", files));
    }
}
