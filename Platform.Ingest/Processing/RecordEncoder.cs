using System.Text;
using System.Text.Json;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Ingest.Processing;

/// <summary>
/// How a validated row becomes a record of this submission, written as its <c>ingest_record</c> row in PostgreSQL's
/// binary COPY format (<see cref="CopyRows"/>): its key, subject, period, and its values as a JSON array
/// in the template version's field order (null where a cell is empty). An array rather than an object with the
/// field names is about half the bytes to write; the names are the submission's (<c>ingest_accepted.fields</c>).
/// One encoder serves one reading thread: it reuses its JSON writer and key buffer from row to row.
/// </summary>
public sealed class RecordEncoder : IDisposable
{
    private readonly TemplateField[] fields;
    private readonly int[] key;
    private readonly int subject;
    private readonly int periodField;
    private readonly Period period;
    private readonly DateTime periodDay;
    private readonly Utf8JsonWriter json;
    private readonly StringBuilder keyText = new(64);

    public RecordEncoder(TemplateSchema schema, Submission submission)
    {
        fields = [.. schema.Fields];
        key = [.. schema.PrimaryKey.Select(k => Array.FindIndex(fields, f => f.Name == k))];
        subject = Array.FindIndex(fields, f => f.Name == schema.SubjectKey);
        periodField = schema.PeriodField is null ? -1 : Array.FindIndex(fields, f => f.Name == schema.PeriodField);
        period = Period.Parse(submission.Period);
        periodDay = period.FirstDay.ToDateTime(TimeOnly.MinValue);
        json = new Utf8JsonWriter(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        typed = submission.Mode == SubmissionMode.Void ? null : TypedTables.For(submission.TemplateId);
        typedSource = typed is null ? [] : [.. typed.Columns.Select(SourceOf)];
        textStart = new int[fields.Length];
        textLength = new int[fields.Length];
        submissionId = submission.Id;
        submissionIdUtf8 = Encoding.UTF8.GetBytes(submission.Id);
        templateIdUtf8 = Encoding.UTF8.GetBytes(submission.TemplateId);
    }

    /// <summary>The template's typed table (none for a void, whose rows hold keys only and never stand).</summary>
    private readonly TypedTable? typed;

    /// <summary>Per typed column, the field of this version that fills it, or -1 (null) when it has none of that type.</summary>
    private readonly int[] typedSource;

    private int SourceOf(TypedColumn column)
    {
        var field = Array.FindIndex(fields, f => f.Name == column.Name);
        return field >= 0 && (column.SqlType == "text" || TypedColumn.SqlTypeOf(fields[field].Type) == column.SqlType) ? field : -1;
    }

    /// <summary>
    /// Where this row's text cells lie, UTF-8 encoded, in its typed row (length -1: not there), so that its JSON values
    /// are written from those bytes instead of encoding each string a second time.
    /// </summary>
    private readonly int[] textStart;

    private readonly int[] textLength;

    private readonly string submissionId;
    private readonly byte[] submissionIdUtf8;
    private readonly byte[] templateIdUtf8;

    public void Dispose() => json.Dispose();

    /// <summary>A row's period field must be the submission's period.</summary>
    public bool CheckPeriod(int row, Cell[] values, List<TemplateError> errors)
    {
        if (periodField < 0 || values[periodField].IsMissing || values[periodField].Date == periodDay)
        {
            return true;
        }
        var field = fields[periodField];
        var value = values[periodField].ToString();
        var expected = period.ToString();
        errors.Add(new TemplateError(ErrorCodes.ConstraintError, row, field.Name, value,
            $"第{row}行“{field.Title}”为{value}，与本次报送的所属期{expected}不一致。",
            $"Row {row}: '{field.Name}' is {value}, but this submission is for {expected}.", Constraint: "period"));
        return false;
    }

    /// <summary>
    /// Writes the row's <c>ingest_record</c> columns to <paramref name="rows"/> (as current; the writer may flip it), and its
    /// typed-table row, if the template has a typed table, to <paramref name="typedRows"/>.
    /// </summary>
    public RecordRow Row(int row, Cell[] values, CopyRows rows, CopyRows typedRows)
    {
        keyText.Clear();
        for (var k = 0; k < key.Length; k++)
        {
            if (k > 0)
            {
                keyText.Append('|');
            }
            keyText.Append(values[key[k]].ToString());
        }
        var recordKey = key.Length == 0 ? $"{submissionId}:{row}" : keyText.ToString();
        var typedStart = typedRows.Position;
        WriteTyped(row, values, typedRows);
        var start = rows.Position;
        rows.BeginRow(RecordTables.RecordColumns);
        rows.Bytes(submissionIdUtf8);
        rows.Int32(row);
        rows.Bytes(templateIdUtf8);
        rows.Date(periodField >= 0 && !values[periodField].IsMissing ? values[periodField].Date : periodDay);
        rows.Text(recordKey);
        if (subject >= 0 && textLength[subject] >= 0)
        {
            rows.Bytes(typedRows.Slice(textStart[subject], textLength[subject]).Span);
        }
        else
        {
            rows.Text(subject >= 0 && !values[subject].IsMissing ? values[subject].ToString() : null);
        }
        var valuesStart = rows.BeginField();
        WriteJson(values, rows, typedRows);
        rows.EndField(valuesStart);
        rows.Bool(true);
        return new RecordRow(row, recordKey, start, rows.Position - start)
        {
            TypedStart = typedStart, TypedLength = typedRows.Position - typedStart,
        };
    }

    private void WriteTyped(int row, Cell[] values, CopyRows rows)
    {
        textLength.AsSpan().Fill(-1);
        if (typed is null)
        {
            return;
        }
        rows.BeginRow(typed.CopyColumns);
        rows.Bytes(submissionIdUtf8);
        rows.Int32(row);
        for (var c = 0; c < typedSource.Length; c++)
        {
            var source = typedSource[c];
            if (source < 0 || values[source].IsMissing)
            {
                rows.Null();
                continue;
            }
            var cell = values[source];
            switch (typed.Columns[c].Type)
            {
                case FieldType.Integer:
                    rows.Int64((long)cell.Number);
                    break;
                case FieldType.Number:
                    rows.Numeric(cell.Number);
                    break;
                case FieldType.Year:
                    rows.Int32((int)cell.Number);
                    break;
                case FieldType.Boolean:
                    rows.Bool(cell.Boolean);
                    break;
                case FieldType.Date or FieldType.YearMonth:
                    rows.Date(cell.Date);
                    break;
                case FieldType.Datetime:
                    rows.Timestamp(cell.Date);
                    break;
                case FieldType.String when cell.Kind == CellKind.Text:
                    textStart[source] = rows.Position + 4; // after the field's length
                    rows.Text(cell.Text);
                    textLength[source] = rows.Position - textStart[source];
                    break;
                default:
                    rows.Text(cell.ToString());
                    break;
            }
        }
    }

    private void WriteJson(Cell[] values, CopyRows rows, CopyRows typedRows)
    {
        json.Reset(rows);
        json.WriteStartArray();
        for (var i = 0; i < values.Length; i++)
        {
            var cell = values[i];
            switch (cell.Kind)
            {
                case CellKind.Text when textLength[i] >= 0:
                    json.WriteStringValue(typedRows.Slice(textStart[i], textLength[i]).Span);
                    break;
                case CellKind.Text:
                    json.WriteStringValue(cell.Text);
                    break;
                case CellKind.Number:
                    json.WriteNumberValue(cell.Number);
                    break;
                case CellKind.Boolean:
                    json.WriteBooleanValue(cell.Boolean);
                    break;
                case CellKind.Date or CellKind.Month:
                    json.WriteStringValue(cell.ToString());
                    break;
                default:
                    json.WriteNullValue();
                    break;
            }
        }
        json.WriteEndArray();
        json.Flush();
    }
}
