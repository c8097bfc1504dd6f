using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Xml;
using Platform.Ingest.Processing;

namespace Platform.Ingest.Reading;

/// <summary>
/// Checks an .xlsx against the ingest limits before ExcelDataReader opens it. ExcelDataReader keeps every shared string
/// in memory, takes each cell's text whole, sizes every row by the widest column of the sheet and reads each sheet
/// twice, so a workbook of a few hundred kilobytes can inflate to gigabytes. Here every part is inflated once as a
/// stream and counted as it is read (declared sizes can lie), and the XML is walked without holding any text.
/// </summary>
internal sealed class XlsxInspection
{
    private const int ExcelRows = 1_048_576;
    private const int ExcelColumns = 16_384;

    private readonly IngestOptions options;
    private readonly char[] chunk = new char[4096];
    private long unpacked;

    private XlsxInspection(IngestOptions options) => this.options = options;

    public static void Check(FileStream file, IngestOptions options)
    {
        CheckDirectory(file, options.MaxXlsxParts);
        file.Position = 0;
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.GetEntry("xl/workbook.bin") is not null)
        {
            throw new FileProblemException("这是二进制工作簿（.xlsb）：请另存为 .xlsx 后重新上传。",
                "This is a binary workbook (.xlsb); save it as .xlsx and resend it.");
        }
        var inspection = new XlsxInspection(options);
        if (zip.Entries.Sum(e => e.Length) > options.MaxXlsxUnpackedBytes)
        {
            throw inspection.TooLarge();
        }
        foreach (var entry in zip.Entries)
        {
            var isXml = entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ||
                        entry.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase);
            using var part = new CountedPart(entry.Open(), inspection, isXml);
            if (isXml)
            {
                inspection.Walk(part);
            }
            else
            {
                part.CopyTo(Stream.Null);
            }
        }
    }

    /// <summary>
    /// The zip's directory is read whole when the archive opens, so its size is checked first, from the
    /// end-of-central-directory record: at most <paramref name="maxParts"/> entries of about a kilobyte each.
    /// </summary>
    private static void CheckDirectory(FileStream file, int maxParts)
    {
        var tail = new byte[(int)Math.Min(file.Length, 22 + ushort.MaxValue)];
        file.Seek(-tail.Length, SeekOrigin.End);
        file.ReadExactly(tail);
        var end = tail.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        if (end < 0 || end + 22 > tail.Length)
        {
            throw new InvalidDataException("No end of central directory.");
        }
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(end + 10));
        var directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 12));
        if (entries > maxParts || directoryBytes > maxParts * 1024L) // Zip64 (0xFFFF, 0xFFFFFFFF) lands here too
        {
            throw new FileProblemException(
                string.Create(CultureInfo.InvariantCulture, $"该 Excel 文件的部件超过 {maxParts:N0} 个的上限：请在 Excel 中另存为 .xlsx 后重新上传。"),
                string.Create(CultureInfo.InvariantCulture, $"The workbook has more than {maxParts:N0} parts; save it again in Excel as .xlsx and resend it."));
        }
    }

    /// <summary>Walks one XML part: the cells' text length, and in a sheet the row numbers and the columns used.</summary>
    private void Walk(CountedPart part)
    {
        using var xml = XmlReader.Create(part, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        });
        string? root = null;
        long cellChars = 0;
        int row = 0, column = -1, cells = 0;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                var name = xml.LocalName;
                if (root is null)
                {
                    root = name;
                    if (root == "sst")
                    {
                        part.Limit(options.MaxXlsxSharedStringsBytes, SharedStringsTooLarge);
                    }
                }
                if (name is "c" or "si" || root is not ("worksheet" or "sst"))
                {
                    cellChars = 0; // rich text adds up its runs within a cell or shared string
                }
                if (root != "worksheet")
                {
                    continue;
                }
                if (name == "row")
                {
                    CheckWidth(row, cells);
                    row = xml.GetAttribute("r") is { } r ? RowNumber(r) : row + 1;
                    (column, cells) = (-1, 0);
                    if (row > ExcelRows)
                    {
                        throw BeyondExcel(row.ToString(CultureInfo.InvariantCulture));
                    }
                    if (row > options.MaxXlsxRows)
                    {
                        throw TooManyRows(row);
                    }
                }
                else if (name == "c")
                {
                    column = xml.GetAttribute("r") is { } r ? ColumnIndex(r) : column + 1;
                    // Empty cells count too: the reader keeps each one, and sizes every row by the furthest column any
                    // cell names (thirty million empty cells in one row of a 118 KB file took 1.6 GB; attacker review).
                    cells = Math.Max(cells + 1, column + 1);
                }
            }
            else if (xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
            {
                int read;
                while ((read = xml.ReadValueChunk(chunk, 0, chunk.Length)) > 0)
                {
                    cellChars += read;
                    if (cellChars > options.MaxXlsxCellChars)
                    {
                        throw CellTooLong();
                    }
                }
            }
        }
        CheckWidth(row, cells);
    }

    private void CheckWidth(int row, int columns)
    {
        if (columns > options.MaxColumns)
        {
            throw RowReaders.TooManyColumns("Row", row, columns, options.MaxColumns);
        }
    }

    private static int RowNumber(string reference) =>
        int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row >= 1 ? row : throw BeyondExcel(reference);

    /// <summary>The column of a cell reference such as "AB12" (0 for A); beyond Excel's last column (XFD) is refused.</summary>
    private static int ColumnIndex(string reference)
    {
        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (c is < 'A' or > 'Z')
            {
                break;
            }
            column = column * 26 + (c - 'A' + 1);
            if (++letters > 3 || column > ExcelColumns)
            {
                throw BeyondExcel(reference);
            }
        }
        return letters == 0 ? throw BeyondExcel(reference) : column - 1;
    }

    private static FileProblemException BeyondExcel(string reference)
    {
        var shown = reference.Length <= 20 ? reference : reference[..20] + "…";
        return new FileProblemException($"单元格或行号“{shown}”超出了 Excel 的范围（最多 1,048,576 行、16,384 列）：请在 Excel 中另存为 .xlsx 后重新上传。",
            $"The cell or row reference '{shown}' lies beyond Excel's last row (1,048,576) or column (XFD); save the workbook again in Excel and resend it.");
    }

    private FileProblemException TooManyRows(int row) => new(
        string.Create(CultureInfo.InvariantCulture, $"工作表的第 {row:N0} 行超过了 {options.MaxXlsxRows:N0} 行的上限：请拆分为多个文件，或删除末尾的空行后重新上传。"),
        string.Create(CultureInfo.InvariantCulture, $"The sheet numbers a row {row:N0}, beyond the limit of {options.MaxXlsxRows:N0} rows; split the file, or delete the empty rows at its end, and resend it."));

    private FileProblemException TooLarge() => new(
        $"该 Excel 文件解压后超过 {Size(options.MaxXlsxUnpackedBytes)} 的上限：请拆分为多个文件，或另存为 CSV（UTF-8）后重新上传。",
        $"The workbook unpacks to more than the limit of {Size(options.MaxXlsxUnpackedBytes)}; split it, or save it as CSV (UTF-8), and resend it.");

    private FileProblemException SharedStringsTooLarge() => new(
        $"该 Excel 文件的共享字符串（各单元格的文字）解压后超过 {Size(options.MaxXlsxSharedStringsBytes)} 的上限：请另存为 CSV（UTF-8）或拆分后重新上传。",
        $"The workbook's shared strings (the text of its cells) unpack to more than the limit of {Size(options.MaxXlsxSharedStringsBytes)}; " +
        "save it as CSV (UTF-8) or split it, and resend it.");

    private FileProblemException CellTooLong() => new(
        string.Create(CultureInfo.InvariantCulture, $"工作簿中有单元格超过 {options.MaxXlsxCellChars:N0} 个字符的上限：请缩短后重新上传。"),
        string.Create(CultureInfo.InvariantCulture, $"A cell of the workbook is longer than the limit of {options.MaxXlsxCellChars:N0} characters; shorten it and resend the file."));

    private static string Size(long bytes) => bytes >= 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024 / 1024:N0} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");

    /// <summary>
    /// One part as it inflates, counted against the workbook's total and the part's own limit. In XML, no run of bytes
    /// without a '>' may be longer than a cell at its longest (eight bytes a character, as in &amp;#x4E2D;), so the
    /// XML reader never holds a huge text, name or attribute value.
    /// </summary>
    private sealed class CountedPart(Stream inner, XlsxInspection inspection, bool isXml) : Stream
    {
        private readonly long longestRun = inspection.options.MaxXlsxCellChars * 8L + 64 * 1024;
        private long limit = long.MaxValue;
        private Func<FileProblemException>? overLimit;
        private long read;
        private long run;

        public void Limit(long bytes, Func<FileProblemException> problem) => (limit, overLimit) = (bytes, problem);

        public override int Read(Span<byte> buffer)
        {
            var count = inner.Read(buffer);
            read += count;
            inspection.unpacked += count;
            if (inspection.unpacked > inspection.options.MaxXlsxUnpackedBytes)
            {
                throw inspection.TooLarge();
            }
            if (read > limit)
            {
                throw overLimit!();
            }
            if (isXml)
            {
                var bytes = buffer[..count];
                var first = bytes.IndexOf((byte)'>');
                var longest = first < 0 ? run + count : run + first;
                run = first < 0 ? longest : count - 1 - bytes.LastIndexOf((byte)'>');
                if (longest > longestRun || run > longestRun)
                {
                    throw inspection.CellTooLong();
                }
            }
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
