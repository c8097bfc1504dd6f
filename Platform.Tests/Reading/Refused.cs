using Platform.Ingest.Processing;
using Platform.Ingest.Reading;
using Platform.Tests.Support;

namespace Platform.Tests.Reading;

public static class Refused
{
    /// <summary>Reading <paramref name="file"/> ends in a <see cref="FileProblemException"/> whose reasons say what is given, in English and in Chinese.</summary>
    public static async Task Saying(byte[] file, string mediaType, IngestOptions options, string reason, string? reasonZh = null)
    {
        var problem = await Assert.ThrowsAsync<FileProblemException>(() => Files.ReadAsync(file, mediaType, options));
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
        if (reasonZh is not null)
        {
            Assert.Contains(reasonZh, problem.MessageZh, StringComparison.Ordinal);
        }
    }
}
