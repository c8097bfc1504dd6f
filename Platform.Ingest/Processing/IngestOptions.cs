namespace Platform.Ingest.Processing;

/// <summary>Limits and pacing of ingest, from the <c>Ingest</c> configuration section.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>The largest file accepted; a larger one is refused with 413 and nothing is kept.</summary>
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The longest row (in characters) a text file may have; a longer one rejects the file.</summary>
    public int MaxRowChars { get; set; } = 1024 * 1024;

    /// <summary>
    /// Problems of a submission kept in full for its error report; beyond them, problems are counted by field and code
    /// only, and the receipt and the report say the report is truncated.
    /// </summary>
    public int MaxErrorsKept { get; set; } = 10_000;

    /// <summary>Rows checked and committed together; a restart resumes after the last committed batch.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How often the worker looks for unfinished submissions besides being woken by new ones.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Run the in-process worker (on by default; off lets a test drive processing itself).</summary>
    public bool RunWorker { get; set; } = true;
}
