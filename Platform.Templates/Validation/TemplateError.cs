using Platform.Templates.Schema;

namespace Platform.Templates.Validation;

/// <summary>Frictionless error codes, as agencies' tools and the Table Schema world name them.</summary>
public static class ErrorCodes
{
    public const string MissingLabel = "missing-label";
    public const string ExtraLabel = "extra-label";
    public const string DuplicateLabel = "duplicate-label";
    public const string IncorrectLabel = "incorrect-label";
    public const string BlankRow = "blank-row";
    public const string ExtraCell = "extra-cell";
    public const string MissingCell = "missing-cell";
    public const string TypeError = "type-error";
    public const string ConstraintError = "constraint-error";
    public const string PrimaryKey = "primary-key";
    public const string UniqueError = "unique-error";
}

/// <summary>
/// One problem found in a file. Header problems have no row; cell problems name the row (1 is the header, so data
/// starts at 2, as a clerk sees it in Excel), the field and the offending value, cut to a readable length.
/// </summary>
public sealed record TemplateError(
    string Code,
    int? Row,
    string? Field,
    string? Value,
    string Message,
    string MessageEn,
    Severity Severity = Severity.Error,
    string? Constraint = null)
{
    public const int MaxValueLength = 100;

    /// <summary>
    /// A severity as reports and the error tables write it: <c>error</c> or <c>warning</c>. A static method, not a
    /// property, so that events holding a problem keep their stored JSON.
    /// </summary>
    public static string NameOf(Severity severity) => severity == Severity.Warning ? "warning" : "error";

    public static string? Cut(ReadOnlySpan<char> value) =>
        value.Length <= MaxValueLength ? value.ToString() : string.Concat(value[..MaxValueLength], "…");
}
