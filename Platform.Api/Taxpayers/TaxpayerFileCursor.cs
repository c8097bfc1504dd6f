using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Platform.Ingest.Records;
using Platform.Templates.Schema;

namespace Platform.Api.Taxpayers;

/// <summary>
/// The <c>endCursor</c> of a page of the one-household file: the key of its last record (<see cref="TaxpayerFileKey"/>)
/// protected by ASP.NET Core data protection, so it is opaque (a masked record's submission and row do not show through
/// it) and a cursor this platform did not give is refused rather than followed. A cursor is protected for its taxpayer
/// (the subject is part of the protector's purpose): one given for another taxpayer's file is refused the same way. Hosts
/// sharing the data-protection keys read each other's cursors, as they do sign-in cookies.
/// </summary>
public sealed class TaxpayerFileCursor(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Platform.Taxpayers.FileCursor");

    /// <summary>What a caller is told a cursor is, when one it sent is refused.</summary>
    public const string Expected = "an opaque string, as given";

    /// <summary>The cursor after <paramref name="key"/>, carrying the file's count as the first page found it (<paramref name="held"/>).</summary>
    public string Of(string subject, TaxpayerFileKey key, int held) =>
        Base64Url.EncodeToString(protector.CreateProtector(subject).Protect(JsonSerializer.SerializeToUtf8Bytes(
            new object[] { key.Period.ToString(), key.TemplateId, key.SubmissionId, key.Row, held })));

    /// <summary>The key a cursor names, or null when it is not one this platform gave for this taxpayer's file.</summary>
    public (TaxpayerFileKey Key, int Held)? Read(string subject, string cursor)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<JsonElement[]>(protector.CreateProtector(subject).Unprotect(Base64Url.DecodeFromChars(cursor)));
            return parts is [{ ValueKind: JsonValueKind.String } period, { ValueKind: JsonValueKind.String } template,
                    { ValueKind: JsonValueKind.String } submission, { ValueKind: JsonValueKind.Number } row, { ValueKind: JsonValueKind.Number } held]
                   && Period.TryParse(period.GetString(), out var parsed)
                ? (new TaxpayerFileKey(parsed, template.GetString()!, submission.GetString()!, row.GetInt32()), held.GetInt32())
                : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException)
        {
            return null;
        }
    }
}
