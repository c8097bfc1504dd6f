using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Api.Access;
using Platform.Ingest.Reading;
using Platform.Api.Audit;
using Platform.Api.Hosting;
using Platform.Templates.Schema;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Platform.Ingest.Processing;
using Sylvan.Data.Csv;
using static Platform.Api.Invoices.InvoiceQuery;

namespace Platform.Api.Invoices;

/// <summary>
/// One line of a batch's answer, in the batch's order (<see cref="Line"/> counts invoices from 1): the invoice as sent and
/// its answer, as for a single lookup; a malformed line is <c>malformed</c> with what to fix by field, and is neither
/// counted nor audited.
/// </summary>
public sealed record InvoiceBatchLine(int Line, string? Code, string? Number, string Result, InvoiceDetails? Invoice = null,
    IReadOnlyList<string>? Mismatched = null, DateTimeOffset? ResetsAt = null, IReadOnlyDictionary<string, string[]>? Problems = null, int? Row = null,
    string? Spent = null, int? Remaining = null, int? SameAs = null, string? AskBy = null)
{
    public const string Malformed = "malformed";
}

/// <summary>
/// <c>POST /api/invoices/verify-batch</c>: an agency's reimbursement batch, as CSV or an .xlsx workbook (a header of the
/// lookup's field names or the form's Chinese headings; either as the body or a form's file field) or JSON (an array of lookups), up to <see cref="InvoiceOptions.MaxBatchInvoices"/> invoices; one answer per invoice in
/// order, as JSON or, with <c>format=csv</c> or <c>Accept: text/csv</c>, as CSV for Excel (formulas neutralised). The
/// daily limit and the audit apply to each invoice as to a single lookup; the well-formed lines are answered together,
/// in one round trip (<see cref="InvoiceVerifier"/>).
/// </summary>
public static class VerifyInvoiceBatch
{
    public static void MapVerifyInvoiceBatch(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/invoices/verify-batch/answers", RenderAsync)
            .RequireAccess(Operation.VerifyInvoices)
            .WithTags("Invoices")
            .WithSummary("A batch's JSON answer, as verify-batch returned it, as a workbook of text cells (format=xlsx, the default) or CSV " +
                         "(format=csv), without looking anything up again: show the JSON, download the workbook, count each invoice once")
            .Accepts<List<InvoiceBatchLine>>("application/json")
            .Produces(StatusCodes.Status200OK, contentType: Spreadsheets.MediaType)
            .ProducesValidationProblem();
        app.MapPost("/api/invoices/verify-batch", VerifyAsync)
            .RequireAccess(Operation.VerifyInvoices)
            .WithTags("Invoices")
            .WithSummary("Verify a batch of invoices: CSV (text/csv; header code,number,issueDate,amountExcludingTax,checkCodeLast6, or the " +
                         "national form's Chinese headings; title rows above the header, up to ten, are passed over), an .xlsx workbook (its first " +
                         "sheet, headed the same), either as a form's file " +
                         "field, or a JSON array of lookups, at most Invoices:MaxBatchInvoices; one answer per invoice in order, JSON or, with " +
                         "format=csv or Accept: text/csv, CSV for Excel (formulas neutralised), or with format=xlsx a workbook of text cells (leading zeros kept); a malformed line is 'malformed' with its problems")
            .Accepts<List<InvoiceRequest>>("application/json", "text/csv", RowReaders.Xlsx, "multipart/form-data")
            .Produces<List<InvoiceBatchLine>>(StatusCodes.Status200OK, "application/json", "text/csv", Spreadsheets.MediaType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, string? format, InvoiceVerifier verifier, InvoiceOptions options,
        CancellationToken ct)
    {
        var request = http.Request;
        // Asked before anything is read, looked up or counted: an answer the caller cannot use spends nothing.
        var asked = format?.ToLowerInvariant();
        var answerAs = asked switch
        {
            null or "" => request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true) ? "csv"
                : request.Headers.Accept.Any(a => a?.Contains(Spreadsheets.MediaType, StringComparison.OrdinalIgnoreCase) == true) ? "xlsx" : "json",
            "json" or "csv" or "xlsx" => asked,
            _ => null,
        };
        if (answerAs is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["format"] = Say($"format 只能是 json、csv 或 xlsx（xlsx 的单元格都是文本，Excel 会保留代码和号码开头的 0），收到“{Shown(format!)}”。",
                    $"Ask for format=json, csv or xlsx (a workbook whose cells are all text, so Excel keeps codes' and numbers' leading zeros), not '{Shown(format!)}'."),
            });
        }
        // A form's parts around the sheet take a little more than the sheet; a body sent without a length is cut by the
        // server at this bound (RequestBodyLimit), as a declared one is refused here.
        if (!RequestBodyLimit.Admits(http, options.MaxBatchBytes + FormOverheadBytes))
        {
            return TooLarge(options);
        }
        byte[]? body;
        string mediaType;
        try
        {
            (body, mediaType) = await ReadBoundedAsync(request, options.MaxBatchBytes, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException) // a form past its bound, or that does not read
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = Say($"无法读取上传的内容（最多 {options.MaxBatchBytes:N0} 字节）：请直接上传表格文件（CSV、.xlsx 或 JSON），或作为表单中的一个文件字段上传。",
                    $"The batch cannot be read as a sheet of at most {options.MaxBatchBytes:N0} bytes ({(e.Message.Length <= 120 ? e.Message : e.Message[..120] + "…")}); " +
                    "send the sheet as the body (text/csv, .xlsx or JSON) or as one file field of a form."),
            });
        }
        if (body is null)
        {
            return TooLarge(options);
        }
        var (inputs, problem) = mediaType switch
        {
            RowReaders.Xlsx => ReadXlsx(body, SheetLimits(options), ct),
            RowReaders.Csv => ReadCsv(Decode(body)),
            _ => ReadJson(Decode(body)),
        };
        if (problem is { } refusal)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [refusal.Field] = refusal.Messages });
        }
        if (inputs.Count > options.MaxBatchInvoices)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["invoices"] = Say($"本批有 {inputs.Count} 张发票，每次最多 {options.MaxBatchInvoices} 张：请拆分后分批查验。",
                    $"The batch has {inputs.Count} invoices; send at most {options.MaxBatchInvoices} at once."),
            });
        }
        // Each line is a lookup against the caller's allowances (InvoiceLookupLimit), taken once the lines are counted.
        if (InvoiceLookupLimit.Refuse(http, inputs.Count) is { } overLimit)
        {
            return overLimit;
        }
        var today = verifier.Today();
        var parsed = inputs.Select(input => (Input: input, Query: InvoiceQuery.Parse(input, today, out var problems), Problems: problems)).ToList();
        var answers = await verifier.VerifyAsync([.. parsed.Select(p => p.Query).OfType<InvoiceQuery>()], AuditActor.From(http), ct);
        var lines = new List<InvoiceBatchLine>(parsed.Count);
        var answered = 0;
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (input, query, problems) in parsed)
        {
            var line = lines.Count + 1;
            if (query is null)
            {
                lines.Add(new InvoiceBatchLine(line, input.Code, input.Number, InvoiceBatchLine.Malformed, Problems: problems, Row: input.Row));
                continue;
            }
            var answer = answers[answered++];
            // The same invoice twice in one reimbursement batch is what a clerk must catch (a claim made twice).
            int? sameAs = firstLineOf.TryAdd(query.Key, line) ? null : firstLineOf[query.Key];
            lines.Add(new InvoiceBatchLine(line, query.Code, query.Number, answer.Result, answer.Invoice, answer.Mismatched, answer.ResetsAt, Row: input.Row,
                Spent: answer.Spent, Remaining: answer.Remaining, SameAs: sameAs, AskBy: answer.AskBy));
        }
        return Answer(lines, answerAs);
    }

    /// <summary>A batch's answer in the form asked: JSON, CSV for Excel, or a workbook of text cells.</summary>
    private static IResult Answer(IReadOnlyList<InvoiceBatchLine> lines, string format) => format switch
    {
        "csv" => Results.File(CsvText.Utf8WithBom(string.Concat(CsvLines(lines).Select(CsvText.Line))), "text/csv; charset=utf-8", "invoice-verification.csv"),
        "xlsx" => Spreadsheets.Xlsx("查验结果 answers", [.. CsvLines(lines).Select(l => (IReadOnlyList<string?>)[.. l])], "invoice-verification.xlsx"),
        _ => Results.Ok(lines),
    };

    /// <summary>
    /// <c>POST /api/invoices/verify-batch/answers?format=xlsx</c>: a batch's answer, as the batch returned it in JSON, put
    /// in another form (a workbook of text cells, or CSV) without looking anything up again, so the portal shows the JSON
    /// and downloads the workbook of the same lookups: asking the batch twice would count every invoice twice. Nothing is
    /// read from the platform's data, so nothing is audited; the workbook says only what was sent to it.
    /// </summary>
    private static async Task<IResult> RenderAsync(HttpContext http, string? format, InvoiceOptions options, CancellationToken ct)
    {
        var answerAs = format?.ToLowerInvariant() is "csv" ? "csv" : format?.ToLowerInvariant() is null or "" or "xlsx" ? "xlsx" : null;
        if (answerAs is null)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["format"] = Say($"format 只能是 xlsx 或 csv，收到“{Shown(format!)}”。", $"Ask for format=xlsx or csv, not '{Shown(format!)}'."),
            });
        }
        // A JSON answer is several times its batch (each line's invoice details): room for the largest batch's.
        var maxBytes = 8 * options.MaxBatchBytes;
        if (!RequestBodyLimit.Admits(http, maxBytes))
        {
            return RequestBodyLimit.TooLarge(maxBytes, "a batch's answer");
        }
        List<InvoiceBatchLine>? lines;
        try
        {
            lines = await JsonSerializer.DeserializeAsync<List<InvoiceBatchLine>>(http.Request.Body, AnswerJson, ct);
        }
        catch (JsonException)
        {
            lines = null;
        }
        if (lines is null || lines.Count > options.MaxBatchInvoices || lines.Any(l => l is null || l.Result is null))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = Say($"请发送批量查验返回的 JSON 答复（最多 {options.MaxBatchInvoices} 行）。",
                    $"Send the JSON answer a batch returned (at most {options.MaxBatchInvoices} lines)."),
            });
        }
        return Answer(lines, answerAs);
    }

    private static readonly JsonSerializerOptions AnswerJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The answer's columns for Excel: each heading is the Chinese label a clerk reads, then the JSON answer's name
    /// (<c>发票代码 code</c>), so a program can still find a column by the name after the space.
    /// </summary>
    public static readonly IReadOnlyList<string> Headings =
    [
        "序号 line", "发票代码 code", "发票号码 number", "查验结果 result", "结论 verdict", "不符项 mismatched", "已作废 voided",
        "红字发票 redLetter", "发票类别 kind", "开票日期 issueDate", "销方识别号 sellerId", "销方名称 sellerName", "购方识别号 buyerId",
        "购方名称 buyerName", "不含税金额 amountExcludingTax", "税额 tax", "价税合计 total", "可再查时间 resetsAt", "问题 problems",
        "表格行号 row", "用尽的次数 spent", "今日还可查 remaining", "同票首行序号 sameAs",
    ];

    /// <summary>The answer as a table for Excel: the headings, then a line per invoice.</summary>
    public static IEnumerable<IEnumerable<string?>> CsvLines(IReadOnlyList<InvoiceBatchLine> lines)
    {
        yield return Headings;
        // A line is named to a clerk by its sheet's row where it has one (CSV, workbook), else by its place in the batch.
        var shownAs = lines.ToDictionary(l => l.Line, l => l.Row ?? l.Line);
        foreach (var line in lines)
        {
            var invoice = line.Invoice;
            var same = line.SameAs is { } first ? shownAs[first] : (int?)null;
            yield return
            [
                line.Line.ToString(CultureInfo.InvariantCulture), line.Code, line.Number, line.Result,
                (same is { } row ? $"与第 {row} 行是同一张发票（重复报销？）/ same invoice as row {row} (claimed twice?)；" : "") + Verdict(line),
                line.Mismatched is { } mismatched ? string.Join(" ", mismatched) : null,
                invoice is null ? null : invoice.Voided ? "true" : "false", invoice is null ? null : invoice.RedLetter ? "true" : "false",
                invoice?.Kind, invoice?.IssueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), invoice?.SellerId, invoice?.SellerName,
                invoice?.BuyerId, invoice?.BuyerName, Money(invoice?.AmountExcludingTax), Money(invoice?.Tax), Money(invoice?.Total),
                line.ResetsAt?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                line.Problems is { } problems ? string.Join(" ", problems.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")) : null,
                line.Row?.ToString(CultureInfo.InvariantCulture), line.Spent, line.Remaining?.ToString(CultureInfo.InvariantCulture),
                line.SameAs?.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }

    /// <summary>
    /// What the line means for the clerk paying it, in Chinese then English. A voided or red-letter invoice is
    /// <c>consistent</c> (it was issued as asked), so a sheet filtered on the result alone would pay it: the verdict says
    /// not to (clerk review, 2026-12-02).
    /// </summary>
    public static string Verdict(InvoiceBatchLine line) => line.Result switch
    {
        InvoiceVerification.Consistent when line.Invoice is { Voided: true } => "发票已作废，不可报销 / voided: do not reimburse",
        InvoiceVerification.Consistent when line.Invoice is { RedLetter: true } => "红字发票（冲销原票），不可报销 / red-letter (reversing) invoice: do not reimburse",
        InvoiceVerification.Consistent => "一致 / consistent",
        InvoiceVerification.Inconsistent when line.AskBy == "amountExcludingTax" =>
            "不一致：此发票按不含税金额查验，请填写不含税金额后再查 / inconsistent: this invoice is checked by its amount excluding tax; give that instead of the check code",
        InvoiceVerification.Inconsistent =>
            $"不一致：{string.Join("、", (line.Mismatched ?? []).Select(InvoiceInput.HeadingOf))} / inconsistent: {string.Join(", ", line.Mismatched ?? [])}",
        InvoiceVerification.NotFound => "查无此票 / not found",
        InvoiceVerification.LimitReached when line.Spent == LookupCounter.CallerShare =>
            $"本单位今日查验该票的次数已用完，{When(line.ResetsAt)}后可再查（其他单位仍可查验） / your share of today's lookups of this invoice is spent until {When(line.ResetsAt)}",
        InvoiceVerification.LimitReached => $"该票今日查验次数已满，{When(line.ResetsAt)}后可再查 / this invoice's lookups for today are spent until {When(line.ResetsAt)}",
        _ => "格式有误，见“问题”列 / malformed: see problems",
    };

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";

    private static string? Money(decimal? amount) => amount?.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A sheet's header may stand below this many title or note rows (a list's title, who made it, when), which are not read.</summary>
    public const int MaxTitleRows = 10;

    /// <summary>The longest cell read as a heading.</summary>
    private const int MaxHeadingChars = 64;

    /// <summary>
    /// The lookups of a sheet (CSV or the first sheet of a workbook; <paramref name="sheet"/>: its rows numbered as Excel
    /// numbers them, from 1), or what to fix: a header naming the lookup fields, each once, by their names or the Chinese
    /// headings of the national platform's form (<see cref="InvoiceInput.FieldOf"/>), then a row per invoice (rows with
    /// every cell blank, such as the trailing rows Excel writes, are left out). The header is the first row naming at
    /// least the number and the issue date, within the first <see cref="MaxTitleRows"/> + 1 rows: a reimbursement list's
    /// title rows above it are passed over, as a clerk would expect of a sheet made for printing (clerk review,
    /// 2026-12-02, where they were refused). Other columns, such as a reimbursement list's own, are not read.
    /// </summary>
    private static (List<InvoiceInput> Inputs, (string Field, string[] Messages)? Problem) Inputs(IEnumerable<(int Row, IReadOnlyList<string> Cells)> sheet)
    {
        using var rows = sheet.GetEnumerator();
        Dictionary<string, int>? columns = null;
        List<string>? firstUnread = null;
        var seen = 0;
        while (columns is null && seen <= MaxTitleRows && rows.MoveNext())
        {
            seen++;
            var (found, unread, problem) = Header(rows.Current.Cells);
            if (problem is not null)
            {
                return ([], problem);
            }
            firstUnread ??= unread;
            columns = found;
        }
        if (seen == 0)
        {
            return ([], Empty);
        }
        if (columns is null)
        {
            var unread = firstUnread ?? [];
            var notRead = string.Join(", ", unread.Take(10).Select(h => $"'{Shown(h)}'"));
            return ([], ("header", Say(
                $"前 {MaxTitleRows + 1} 行中应有表头，至少要有“发票号码”和“开票日期”两列（可用列名：{string.Join("、", InvoiceInput.Labels.Values)}）" +
                (unread.Count > 0 ? $"；第一行未读取的列：{notRead}" : "") + "。",
                $"A header naming at least number and issueDate must be among the first {MaxTitleRows + 1} rows; its columns are " +
                $"{string.Join(", ", InvoiceInput.Fields)} (or {string.Join("、", InvoiceInput.Headings.Keys)})" +
                (unread.Count > 0 ? $"; the first row's columns not read: {notRead}." : "."))));
        }
        var inputs = new List<InvoiceInput>();
        while (rows.MoveNext())
        {
            var (row, cells) = rows.Current;
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            inputs.Add(InvoiceInput.From(name => columns.TryGetValue(name, out var i) && i < cells.Count ? cells[i] : null) with { Row = row });
        }
        return (inputs, null);
    }

    /// <summary>
    /// A row read as the header: its columns by lookup field when it names at least the number and the issue date (else
    /// null), the headings it does not read, and a problem when it would be the header but names a field twice.
    /// </summary>
    private static (Dictionary<string, int>? Columns, List<string> Unread, (string Field, string[] Messages)? Problem) Header(IReadOnlyList<string> cells)
    {
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var unread = new List<string>();
        string? repeated = null, repeatedName = null;
        for (var i = 0; i < cells.Count; i++)
        {
            var heading = cells[i].Trim();
            // A heading is a few words; a long cell (a note, a title) is not looked at as one, so the rows searched for the
            // header cost what a header costs.
            if ((heading.Length <= MaxHeadingChars ? InvoiceInput.FieldOf(heading) : null) is not { } name)
            {
                if (heading.Length > 0)
                {
                    unread.Add(heading);
                }
                continue;
            }
            if (!columns.TryAdd(name, i))
            {
                (repeated, repeatedName) = (repeated ?? heading, repeatedName ?? name);
            }
        }
        if (!columns.ContainsKey("number") || !columns.ContainsKey("issueDate"))
        {
            return (null, unread, null);
        }
        return repeated is null
            ? (columns, unread, null)
            : (null, unread, ("header", Say($"表头中“{Shown(repeated)}”与前面一列都是{InvoiceInput.HeadingOf(repeatedName!)}：每个查验字段只能有一列。",
                $"Column '{Shown(repeated)}' names {repeatedName} a second time in the header; name each lookup field once.")));
    }

    private static readonly (string Field, string[] Messages) Empty = ("body", Say(
        $"文件为空：第一行应为表头（{string.Join("、", InvoiceInput.Labels.Values)}），其后每行一张发票。",
        $"The batch is empty; send a header ({string.Join(",", InvoiceInput.Fields)}) and a line per invoice."));

    private static (List<InvoiceInput> Inputs, (string Field, string[] Messages)? Problem) ReadCsv(string text)
    {
        try
        {
            text = text.TrimStart('\uFEFF');
            // Excel's "Unicode text" separates cells by tabs; its CSV by commas. Told by the first of the lines a header may
            // be on that has either (a title line above the header may have neither).
            var delimiter = ',';
            var lines = 0;
            foreach (var line in text.AsSpan().EnumerateLines())
            {
                if (line.ContainsAny('\t', ',') || ++lines > MaxTitleRows)
                {
                    delimiter = line.Contains('\t') && !line.Contains(',') ? '\t' : ',';
                    break;
                }
            }
            // Without headers: the header may stand below title rows (Inputs finds it).
            using var reader = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = false, Delimiter = delimiter });
            return Inputs(Records());

            IEnumerable<(int Row, IReadOnlyList<string> Cells)> Records()
            {
                var row = 0; // each record is a row as Excel numbers them, blank ones too
                while (reader.Read())
                {
                    yield return (++row, [.. Enumerable.Range(0, reader.RowFieldCount).Select(reader.GetString)]);
                }
            }
        }
        catch (CsvMissingHeadersException)
        {
            return ([], Empty);
        }
        catch (CsvRecordTooLargeException e)
        {
            return ([], ("body", Say($"文件第 {e.RowNumber} 行过长，不是一张发票的查验信息。",
                $"Row {e.RowNumber} of the file (the first is 1) is too long for an invoice's lookup; each line holds {string.Join(", ", InvoiceInput.Fields)}.")));
        }
        catch (CsvFormatException e)
        {
            return ([], ("body", Say($"文件第 {e.RowNumber} 行不是有效的 CSV：引号要成对，引号内的引号写两遍。",
                $"Row {e.RowNumber} of the file (the first is 1) is not CSV: a quoted cell must be closed and followed by a comma or the line's end (write a quote inside quotes as two).")));
        }
    }

    private static (List<InvoiceInput> Inputs, (string Field, string[] Messages)? Problem) ReadJson(string text)
    {
        string[] Shape = Say("请发送查验信息的 JSON 数组（每项含 code、number、issueDate，以及 amountExcludingTax 或 checkCodeLast6），或上传 CSV / Excel（.xlsx）文件。",
            "Send a JSON array of lookups, each {\"code\", \"number\", \"issueDate\", \"amountExcludingTax\" or \"checkCodeLast6\"}, or a CSV file as text/csv.");
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Array
                ? ([.. json.RootElement.EnumerateArray().Select(InvoiceInput.From)], null)
                : ([], ("body", Shape));
        }
        catch (JsonException)
        {
            return ([], ("body", Shape));
        }
    }

    /// <summary>What a form may add around its sheet (boundaries, part headers, a few small fields).</summary>
    private const int FormOverheadBytes = 64 * 1024;

    /// <summary>A heading or cell quoted back in a problem, cut to what identifies it.</summary>
    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>
    /// The bounds a batch's workbook is read within: ingest's checks (<c>XlsxInspection</c>) with limits for a sheet of
    /// at most <see cref="InvoiceOptions.MaxBatchInvoices"/> invoices rather than a million records, so that a small zip
    /// cannot cost more than such a sheet (attacker review, 2026-12-02: ingest's 2 GB unpacked, Excel's last row).
    /// </summary>
    private static IngestOptions SheetLimits(InvoiceOptions options) => new()
    {
        MaxColumns = 100,
        MaxXlsxRows = options.MaxBatchInvoices + 10_000,
        MaxXlsxUnpackedBytes = 64L * options.MaxBatchBytes,
        MaxXlsxSharedStringsBytes = 8L * options.MaxBatchBytes,
        MaxXlsxCellChars = 1_000,
        MaxXlsxParts = 200,
    };

    /// <summary>
    /// The first sheet of a workbook (.xlsx), read by ingest's reader within <see cref="SheetLimits"/>, from a file of its
    /// own that is deleted once read: a clerk's reimbursement sheet sent as it is.
    /// </summary>
    private static (List<InvoiceInput> Inputs, (string Field, string[] Messages)? Problem) ReadXlsx(byte[] body, IngestOptions options,
        CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"invoice-batch-{Guid.NewGuid():N}.xlsx");
        try
        {
            File.WriteAllBytes(path, body);
            using var reader = RowReaders.Open(path, RowReaders.Xlsx, isUtf8: true, options);
            return Inputs(Records());

            IEnumerable<(int Row, IReadOnlyList<string> Cells)> Records()
            {
                var row = 1;
                yield return (row, reader.Header); // the first row, the header or a title above it
                while (reader.Read())
                {
                    ct.ThrowIfCancellationRequested();
                    yield return (++row, [.. Enumerable.Range(0, reader.Row.Count).Select(i => reader.Row[i].ToString())]);
                }
            }
        }
        catch (FileProblemException problem)
        {
            return ([], ("body", Say(problem.MessageZh, problem.Message)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// The body, up to <paramref name="maxBytes"/> (null past it), and what it is: JSON, CSV or a workbook, as declared or,
    /// for a workbook, by its first bytes (a zip). A multipart form's first file is the body, as a browser or <c>curl -F</c>
    /// sends a sheet.
    /// </summary>
    private static async Task<(byte[]? Body, string MediaType)> ReadBoundedAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var declared = request.ContentType;
        var body = request.Body;
        var fileName = "";
        if (request.HasFormContentType && MediaTypeHeaderValue.TryParse(declared, out var form))
        {
            var reader = MultipartForms.Reader(form, body, maxBytes);
            MultipartSection? section;
            ContentDispositionHeaderValue? file = null;
            while ((section = await MultipartForms.NextSectionAsync(reader, ct)) is not null &&
                   !(ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out file) && file.IsFileDisposition()))
            {
            }
            if (section is null || file is null)
            {
                return ([], RowReaders.Csv); // read as an empty batch, which says what to send
            }
            fileName = HeaderUtilities.RemoveQuotes(file.FileNameStar.HasValue ? file.FileNameStar : file.FileName).Value ?? "";
            declared = section.ContentType;
            body = MultipartForms.BodyOf(section);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, "");
            }
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        var type = declared?.Split(';')[0].Trim().ToLowerInvariant();
        return (bytes, RowReaders.Sniff(declared, fileName, bytes) == RowReaders.Xlsx ? RowReaders.Xlsx
            : type is RowReaders.Csv || fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? RowReaders.Csv : "application/json");
    }

    /// <summary>
    /// A text body as text. Excel's "Unicode text" is UTF-16 with its byte-order mark; its CSV is UTF-8 or, saved as
    /// plain "CSV" on a Chinese system, GB18030: text that is not valid UTF-8 is read as GB18030, as uploads are.
    /// </summary>
    private static string Decode(byte[] bytes)
    {
        switch (bytes)
        {
            case [0xFF, 0xFE, ..]:
                return Encoding.Unicode.GetString(bytes.AsSpan(2));
            case [0xFE, 0xFF, ..]:
                return Encoding.BigEndianUnicode.GetString(bytes.AsSpan(2));
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            try
            {
                return RowReaders.Gb18030.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return Encoding.UTF8.GetString(bytes); // neither: its header or cells will not read, and say so
            }
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static IResult TooLarge(InvoiceOptions options) => Results.ValidationProblem(new Dictionary<string, string[]>
    {
        ["body"] = Say($"文件超过 {options.MaxBatchBytes:N0} 字节的上限：每次最多查验 {options.MaxBatchInvoices} 张发票。",
            $"The batch is larger than {options.MaxBatchBytes} bytes; send at most {options.MaxBatchInvoices} invoices at once."),
    });
}
