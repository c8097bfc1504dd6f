using Platform.Templates.Validation;
using Sylvan.Data.Csv;

namespace Platform.Ingest.Reading;

/// <summary>The current record of a Sylvan CSV reader as the validator's row: cells are spans into its buffer.</summary>
public sealed class CsvRows(CsvDataReader reader) : IRowSource
{
    public int Count => reader.RowFieldCount;

    public ReadOnlySpan<char> this[int column] => reader.GetFieldSpan(column);
}
