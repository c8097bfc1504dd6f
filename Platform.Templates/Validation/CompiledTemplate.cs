using Platform.Templates.Schema;

namespace Platform.Templates.Validation;

/// <summary>A row as the file reader sees it: cells by column position, read as spans so nothing is copied.</summary>
public interface IRowSource
{
    int Count { get; }

    ReadOnlySpan<char> this[int column] { get; }
}

/// <summary>
/// A template version compiled once into per-field validators. Binding it to a file's header gives a
/// <see cref="FileValidation"/> that checks rows with no reflection and no look-ups by name per cell.
/// </summary>
public sealed class CompiledTemplate
{
    private CompiledTemplate(TemplateSchema schema, FieldValidator[] fields, int[] primaryKey)
    {
        Schema = schema;
        Fields = fields;
        PrimaryKey = primaryKey;
    }

    public TemplateSchema Schema { get; }

    internal FieldValidator[] Fields { get; }

    internal int[] PrimaryKey { get; }

    public int FieldCount => Fields.Length;

    public static CompiledTemplate Compile(TemplateSchema schema)
    {
        if (schema.Problems() is { Count: > 0 } problems)
        {
            throw new TableSchemaException(string.Join(" ", problems));
        }
        var fields = schema.Fields.Select(f => new FieldValidator(f, schema.MissingValues)).ToArray();
        var primaryKey = schema.PrimaryKey.Select(k => schema.Fields.ToList().FindIndex(f => f.Name == k)).ToArray();
        return new CompiledTemplate(schema, fields, primaryKey);
    }

    /// <summary>
    /// Matches the file's header to the fields; header problems are file-level and stop the file. With
    /// <paramref name="keysOnly"/> (withdrawing records by key) only the primary-key columns must be present.
    /// </summary>
    public FileValidation Begin(IReadOnlyList<string> labels, bool keysOnly = false) => new(this, labels, keysOnly);
}
