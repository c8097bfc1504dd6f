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

    /// <summary>The most columns a header or row may have, in any format; a wider one rejects the file.</summary>
    public int MaxColumns { get; set; } = 1000;

    /// <summary>
    /// The most bytes the parts of an .xlsx may inflate to, together (declared sizes and bytes counted while reading);
    /// a workbook is read three times, so this bounds the time a small zip can cost.
    /// </summary>
    public long MaxXlsxUnpackedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The largest shared-strings part of an .xlsx, inflated: the reader holds every shared string in memory.</summary>
    public long MaxXlsxSharedStringsBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The longest text of one .xlsx cell, in characters: Excel's own limit.</summary>
    public int MaxXlsxCellChars { get; set; } = 32767;

    /// <summary>The most parts (zip entries) an .xlsx may have; the zip directory is read whole before anything else.</summary>
    public int MaxXlsxParts { get; set; } = 1000;

    /// <summary>
    /// The last row an .xlsx sheet may number (Excel's own last row by default): the reader fills in every row of a gap,
    /// so a sheet whose second row is numbered a million costs a million rows' work (attacker review, 2026-12-02).
    /// </summary>
    public int MaxXlsxRows { get; set; } = 1_048_576;

    /// <summary>The longest text field of a multipart upload (template, version, period, mode), in bytes.</summary>
    public int MaxFormFieldBytes { get; set; } = 1024;

    /// <summary>The most parts a multipart upload may have (its fields and the file).</summary>
    public int MaxFormParts { get; set; } = 16;

    /// <summary>Rows checked and committed together; a restart resumes after the last committed batch.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How often the worker looks for unfinished submissions besides being woken by new ones.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Run the in-process worker (on by default; off lets a test drive processing itself).</summary>
    public bool RunWorker { get; set; } = true;
}
