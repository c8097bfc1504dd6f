using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Comparisons.Leads;

/// <summary>A record a lead cites: which template, submission, row and record key, and the agency that supplied it.</summary>
public sealed record CitedRecord(
    [property: JsonPropertyName("template")] string Template,
    [property: JsonPropertyName("submission_id")] string SubmissionId,
    [property: JsonPropertyName("row_number")] int RowNumber,
    [property: JsonPropertyName("record_key")] string RecordKey,
    [property: JsonPropertyName("agency")] string Agency);

/// <summary>
/// Why a lead was raised: the records behind it (so it can be explained to the taxpayer) and the rule's own figures
/// (due, collected, short per surcharge; the third party's amount against the declared; ...). Its JSON is the candidate
/// table's <c>evidence</c> column, so the names are those of the SQL.
/// </summary>
public sealed record Evidence(
    [property: JsonPropertyName("records")] IReadOnlyList<CitedRecord> Records,
    [property: JsonPropertyName("figures")] JsonElement Figures)
{
    private static readonly JsonElement NoFigures = JsonDocument.Parse("{}").RootElement;

    public static Evidence Parse(string json)
    {
        var evidence = JsonSerializer.Deserialize<Evidence>(json) ?? throw new FormatException("A candidate's evidence is not a JSON object.");
        return evidence with
        {
            Records = evidence.Records ?? [],
            Figures = evidence.Figures.ValueKind == JsonValueKind.Undefined ? NoFigures : evidence.Figures,
        };
    }

    /// <summary>The same evidence with each record's supplier and submission hidden, except for the templates named.</summary>
    public Evidence MaskedExcept(IReadOnlySet<string> named) => this with
    {
        Records = [.. Records.Select(r => named.Contains(r.Template) ? r : r with { Agency = ThirdParty, SubmissionId = "", RowNumber = 0 })],
    };

    /// <summary>What a masked record says instead of the supplying agency (as the one-household file does).</summary>
    public const string ThirdParty = "third-party";
}
