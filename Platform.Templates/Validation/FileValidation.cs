using System.IO.Hashing;
using System.Runtime.InteropServices;
using Platform.Templates.Schema;

namespace Platform.Templates.Validation;

/// <summary>
/// One file being checked against a compiled template: the header bound to the fields, and the keys seen so far
/// (for primary-key and unique checks). Not thread-safe; one per file.
/// </summary>
public sealed class FileValidation
{
    private readonly CompiledTemplate template;
    private readonly int[] columnOfField;
    private readonly int columnCount;
    private readonly HashSet<UInt128> primaryKeys = [];
    private readonly HashSet<UInt128>?[] uniqueValues;
    private readonly XxHash128 hash = new();

    private readonly bool keysOnly;

    internal FileValidation(CompiledTemplate template, IReadOnlyList<string> labels, bool keysOnly)
    {
        this.keysOnly = keysOnly;
        this.template = template;
        columnCount = labels.Count;
        columnOfField = new int[template.FieldCount];
        Array.Fill(columnOfField, -1);
        uniqueValues = [.. template.Fields.Select(f => f.Field.Constraints.Unique ? new HashSet<UInt128>() : null)];
        HeaderErrors = BindHeader(labels);
    }

    /// <summary>Problems with the header: missing, extra, duplicate or misspelt labels. Any of them rejects the file.</summary>
    public IReadOnlyList<TemplateError> HeaderErrors { get; }

    public bool HeaderAccepted => HeaderErrors.Count == 0;

    private List<TemplateError> BindHeader(IReadOnlyList<string> labels)
    {
        var errors = new List<TemplateError>();
        var unmatched = new List<int>();
        for (var column = 0; column < labels.Count; column++)
        {
            var label = labels[column].Trim();
            var shown = TemplateError.Cut(label); // a label can be as long as a row
            var field = Array.FindIndex(template.Fields, f => f.Matches(label));
            if (field < 0)
            {
                unmatched.Add(column);
            }
            else if (columnOfField[field] >= 0)
            {
                errors.Add(new TemplateError(ErrorCodes.DuplicateLabel, null, template.Fields[field].Field.Name, shown,
                    $"第{column + 1}列表头“{shown}”与第{columnOfField[field] + 1}列重复，请删除其中一列。",
                    $"Column {column + 1}, '{shown}', repeats column {columnOfField[field] + 1}; remove one of them."));
            }
            else
            {
                columnOfField[field] = column;
            }
        }
        // No heading names a field: the first row is most likely data (a file sent without its header), so its cells are
        // not quoted back; a receipt holds no cell values (attacker review: credit codes and invoice numbers in a reason).
        var headerless = unmatched.Count == labels.Count && labels.Count > 1;
        foreach (var column in unmatched)
        {
            var label = labels[column].Trim();
            var shown = TemplateError.Cut(label);
            var sameSpot = column < template.FieldCount && columnOfField[column] < 0 ? template.Fields[column].Field : null;
            if (headerless)
            {
                errors.Add(new TemplateError(sameSpot is null ? ErrorCodes.ExtraLabel : ErrorCodes.IncorrectLabel, null, sameSpot?.Name, null,
                    sameSpot is null
                        ? $"第{column + 1}列表头不在模板中；第一行像是数据而不是表头：请在文件第一行加上模板的表头。"
                        : $"第{column + 1}列表头应为“{sameSpot.Title}”（{sameSpot.Name}）；第一行像是数据而不是表头：请在文件第一行加上模板的表头。",
                    sameSpot is null
                        ? $"Column {column + 1}'s heading is not in the template; the first row looks like data, not a header: put the template's header first."
                        : $"Column {column + 1} should be headed '{sameSpot.Name}' ({sameSpot.TitleEn}); the first row looks like data, not a header: put the template's header first."));
                continue;
            }
            errors.Add(sameSpot is not null
                ? new TemplateError(ErrorCodes.IncorrectLabel, null, sameSpot.Name, shown,
                    $"第{column + 1}列表头“{shown}”不正确，应为“{sameSpot.Title}”（{sameSpot.Name}）。",
                    $"Column {column + 1} is headed '{shown}'; it should be '{sameSpot.Name}' ({sameSpot.TitleEn}).")
                : new TemplateError(ErrorCodes.ExtraLabel, null, null, shown,
                    $"第{column + 1}列表头“{shown}”不在模板中，请删除该列或核对模板版本。",
                    $"Column {column + 1}, '{shown}', is not in the template; remove it or check the template version."));
        }
        for (var field = 0; field < template.FieldCount; field++)
        {
            var f = template.Fields[field].Field;
            if (columnOfField[field] < 0 && (!keysOnly || template.PrimaryKey.Contains(field)) &&
                !errors.Any(e => e.Code == ErrorCodes.IncorrectLabel && e.Field == f.Name))
            {
                errors.Add(new TemplateError(ErrorCodes.MissingLabel, null, f.Name, null,
                    $"缺少列“{f.Title}”（{f.Name}），请按模板补充该列。",
                    $"The column '{f.Name}' ({f.TitleEn}) is missing; add it as the template asks."));
            }
        }
        return errors;
    }

    /// <summary>
    /// Checks one data row, writing each field's typed value into <paramref name="values"/> (in template field order)
    /// and its problems into <paramref name="errors"/>. True when the row has no error (warnings allowed).
    /// <paramref name="row"/> is the row number a clerk sees: the header is row 1.
    /// </summary>
    public bool ValidateRow(int row, IRowSource cells, Span<Cell> values, List<TemplateError> errors)
    {
        var errorsBefore = errors.Count;
        if (IsBlank(cells))
        {
            errors.Add(new TemplateError(ErrorCodes.BlankRow, row, null, null,
                $"第{row}行是空行。", $"Row {row} is blank."));
            return false;
        }
        if (cells.Count > columnCount)
        {
            errors.Add(new TemplateError(ErrorCodes.ExtraCell, row, null, TemplateError.Cut(cells[columnCount]),
                $"第{row}行有{cells.Count}个单元格，多于表头的{columnCount}列。",
                $"Row {row} has {cells.Count} cells, more than the header's {columnCount} columns."));
        }
        var fields = template.Fields;
        for (var i = 0; i < fields.Length; i++)
        {
            values[i] = default;
            var column = columnOfField[i];
            if (column < 0)
            {
                continue; // a column a keys-only file may leave out
            }
            if (column >= cells.Count)
            {
                errors.Add(new TemplateError(ErrorCodes.MissingCell, row, fields[i].Field.Name, null,
                    $"第{row}行缺少“{fields[i].Field.Title}”单元格。",
                    $"Row {row} has no cell for '{fields[i].Field.Name}' ({fields[i].Field.TitleEn})."));
                continue;
            }
            var cell = cells[column].Trim();
            if (fields[i].Validate(cell, row, ref values[i], errors) && uniqueValues[i] is { } seen &&
                !values[i].IsMissing && !seen.Add(Hash(cell)))
            {
                errors.Add(new TemplateError(ErrorCodes.UniqueError, row, fields[i].Field.Name, TemplateError.Cut(cell),
                    $"第{row}行“{fields[i].Field.Title}”的值在文件中重复，应唯一。",
                    $"Row {row}: '{fields[i].Field.Name}' must be unique, and this value appeared in an earlier row."));
            }
        }
        if (template.PrimaryKey.Length > 0 && !primaryKeys.Add(PrimaryKeyHash(cells)))
        {
            var names = string.Join(", ", template.PrimaryKey.Select(k => fields[k].Field.Name));
            errors.Add(new TemplateError(ErrorCodes.PrimaryKey, row, names, null,
                $"第{row}行的主键（{names}）与前面某行重复。",
                $"Row {row} repeats the primary key ({names}) of an earlier row."));
        }
        for (var e = errorsBefore; e < errors.Count; e++)
        {
            if (errors[e].Severity == Severity.Error)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A row with no cell, or with only empty and white-space cells.</summary>
    public static bool IsBlank(IRowSource cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (!cells[i].IsWhiteSpace())
            {
                return false;
            }
        }
        return true;
    }

    private UInt128 Hash(ReadOnlySpan<char> cell)
    {
        hash.Reset();
        hash.Append(MemoryMarshal.AsBytes(cell));
        return hash.GetCurrentHashAsUInt128();
    }

    private UInt128 PrimaryKeyHash(IRowSource cells)
    {
        hash.Reset();
        ReadOnlySpan<byte> separator = [0, 0xFF, 0, 0xFF];
        foreach (var field in template.PrimaryKey)
        {
            var column = columnOfField[field];
            if (column < cells.Count)
            {
                hash.Append(MemoryMarshal.AsBytes(cells[column].Trim()));
            }
            hash.Append(separator);
        }
        return hash.GetCurrentHashAsUInt128();
    }
}
