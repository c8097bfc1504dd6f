using System.Text.RegularExpressions;
using Npgsql;
using Platform.Templates.Schema;
using Platform.Templates.Standard;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Views;

namespace Platform.Ingest.Processing;

/// <summary>One typed column: a template field by name, with the SQL type its Table Schema type maps to.</summary>
public sealed record TypedColumn(string Name, FieldType Type)
{
    public string SqlType => SqlTypeOf(Type);

    public static string SqlTypeOf(FieldType type) => type switch
    {
        FieldType.Integer => "bigint",
        FieldType.Number => "numeric",
        FieldType.Year => "integer",
        FieldType.Boolean => "boolean",
        FieldType.Date or FieldType.YearMonth => "date", // a yearmonth is its month's first day
        FieldType.Datetime => "timestamptz",
        _ => "text",
    };
}

/// <summary>
/// The typed table of one standard template (<c>typed_&lt;template&gt;</c>: a column per field, keyed like
/// <c>ingest_record</c> by submission and row) and the view readers use (<c>standing_&lt;template&gt;</c>: its standing
/// records, that is current and not voided rows of accepted submissions, with their subject, period and source).
/// </summary>
public sealed partial record TypedTable(string TemplateId, string Table, string View, IReadOnlyList<TypedColumn> Columns)
{
    /// <summary>
    /// The view of each subject's latest standing record (<c>latest_&lt;template&gt;</c>, the typed view's columns) for a
    /// register template (<see cref="LatestRecords"/>), else null.
    /// </summary>
    public string? Latest => LatestRecords.Templates.Contains(TemplateId) ? $"{StoreSchema.Name}.latest_{TemplateId.Replace('-', '_')}" : null;

    /// <summary>
    /// The view's columns besides the fields, all from <c>ingest_record</c> and <c>ingest_accepted</c>, with their types.
    /// A field of the same name is not stored twice: the template's period field <c>period</c> is the record's period.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string SqlType)> RecordColumns =
    [
        ("agency", "text"), ("template_version", "integer"), ("submission_id", "text"), ("row_number", "integer"), ("record_key", "text"),
        ("subject_key", "text"), ("period", "date"), ("accepted_at", "timestamptz"),
    ];

    /// <summary>The layout of a template's typed table, from its shipped schema.</summary>
    public static TypedTable Of(string templateId, TemplateSchema schema)
    {
        if (!Identifier().IsMatch(templateId.Replace('-', '_')))
        {
            throw new InvalidOperationException($"Template id '{templateId}' cannot name a typed table.");
        }
        var columns = new List<TypedColumn>();
        foreach (var field in schema.Fields)
        {
            if (!Identifier().IsMatch(field.Name))
            {
                throw new InvalidOperationException($"Field '{field.Name}' of '{templateId}' is not a plain lower-case SQL name.");
            }
            if (RecordColumns.Any(c => c.Name == field.Name))
            {
                if (field.Name == "period" && schema.PeriodField == field.Name)
                {
                    continue;
                }
                throw new InvalidOperationException($"Field '{field.Name}' of '{templateId}' has the name of a column the typed view gives from the record.");
            }
            columns.Add(new TypedColumn(field.Name, field.Type));
        }
        var name = templateId.Replace('-', '_');
        return new TypedTable(templateId, $"{StoreSchema.Name}.typed_{name}", $"{StoreSchema.Name}.standing_{name}", columns);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,40}$")]
    private static partial Regex Identifier();

    /// <summary>The COPY statement of a batch's typed rows: submission, row, then the columns in order.</summary>
    public string CopyCommand =>
        $"COPY {Table} (submission_id, row_number, {string.Join(", ", Columns.Select(c => Quoted(c.Name)))}) FROM STDIN (FORMAT BINARY)";

    public short CopyColumns => (short)(Columns.Count + 2);

    private static string Quoted(string name) => $"\"{name}\"";

    private static PostgresqlObjectName ObjectName(string qualified) =>
        new(StoreSchema.Name, qualified[(StoreSchema.Name.Length + 1)..], SchemaUtils.IdentifierUsage.General);

    public IEnumerable<ISchemaObject> SchemaObjects()
    {
        // Only the key the view joins on, which every further index would slow the COPY of each batch (README,
        // Benchmarks). Without it, a planner with stale statistics joined by scanning the whole table per record.
        var table = new Table(ObjectName(Table));
        table.AddColumn("submission_id", "text").AsPrimaryKey();
        table.AddColumn("row_number", "integer").AsPrimaryKey();
        foreach (var column in Columns)
        {
            table.AddColumn(column.Name, column.SqlType);
        }
        yield return table;

        yield return new View(ObjectName(View),
            $"""
            select a.agency, a.template_version, r.submission_id, r.row_number, r.record_key, r.subject_key, r.period, a.accepted_at,
                   {string.Join(", ", Columns.Select(c => "t." + Quoted(c.Name)))}
              from {StoreSchema.Name}.ingest_record r
              join {StoreSchema.Name}.ingest_accepted a on a.submission_id = r.submission_id
              join {Table} t on t.submission_id = r.submission_id and t.row_number = r.row_number
             where r.template_id = '{TemplateId}' and r.current and not r.voided
            """);

        if (Latest is { } latest)
        {
            // A left join, though every latest record's submission is accepted (the table is kept from accepted ones
            // only): PostgreSQL then leaves the acceptance out of a read that takes none of its columns, such as the
            // invoice lookup's names (one index probe fewer per name; InvoiceLookupCostTests).
            yield return new View(ObjectName(latest),
                $"""
                select a.agency, a.template_version, l.submission_id, l.row_number, l.record_key, l.subject_key, l.period, a.accepted_at,
                       {string.Join(", ", Columns.Select(c => "t." + Quoted(c.Name)))}
                  from {LatestRecords.Table} l
                  left join {StoreSchema.Name}.ingest_accepted a on a.submission_id = l.submission_id
                  join {Table} t on t.submission_id = l.submission_id and t.row_number = l.row_number
                 where l.template_id = '{TemplateId}'
                """);
        }
    }
}

/// <summary>
/// Typed tables of the data sets the comparisons read: one per standard template, its columns from the template's
/// shipped schema. Rows go in by a second binary COPY in each batch's transaction (<see cref="RecordEncoder"/> writes
/// them as it checks the row) and go out with a failed submission's <c>ingest_record</c> rows. Whether a row stands is
/// decided in one place, <c>ingest_record</c>, which the views join, so corrections, voids and replacements show at once.
/// A later version of a template maps to the table by field name: a column the version lacks, or whose type it changed,
/// is null (a text column takes any value as written back); a field the table lacks is kept in the record's values only.
/// </summary>
public static class TypedTables
{
    private static readonly Lazy<IReadOnlyDictionary<string, TypedTable>> Tables = new(() =>
        StandardTemplates.All.ToDictionary(t => t.Descriptor.Id, t => TypedTable.Of(t.Descriptor.Id, t.Schema)));

    public static IEnumerable<TypedTable> All => Tables.Value.Values.OrderBy(t => t.TemplateId, StringComparer.Ordinal);

    /// <summary>The template's typed table, or null for a template that has none (one drafted on the platform).</summary>
    public static TypedTable? For(string templateId) => Tables.Value.GetValueOrDefault(templateId);

    public static IEnumerable<ISchemaObject> SchemaObjects() => All.SelectMany(t => t.SchemaObjects());

    /// <summary>Removes a failed submission's typed rows (with its <c>ingest_record</c> rows, in the caller's transaction).</summary>
    public static async Task DiscardAsync(NpgsqlConnection connection, string templateId, string submissionId, CancellationToken ct)
    {
        if (For(templateId) is not { } typed)
        {
            return;
        }
        await using var command = new NpgsqlCommand($"delete from {typed.Table} where submission_id = $1", connection)
        {
            Parameters = { new() { Value = submissionId } },
        };
        await command.ExecuteNonQueryAsync(ct);
    }
}
