using Platform.Templates.Validation;

namespace Platform.Tests.Templates;

/// <summary>A row given as strings, for tests of the validator.</summary>
public sealed class Rows(params string[] cells) : IRowSource
{
    public int Count => cells.Length;

    public ReadOnlySpan<char> this[int column] => cells[column];
}
