using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Platform.Api.Audit;

/// <summary>One entry of the audit trail as stored.</summary>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Role, string? Agency, string? Address, string Operation,
    IReadOnlyList<string> Subjects, long? RowCount, string? Purpose, string PrevDigest, string Digest)
{
    internal const string Columns = "seq, at, actor, role, agency, address, operation, subjects, row_count, purpose, prev_digest, digest";

    internal static AuditEntry Read(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetString(6), reader.GetFieldValue<string[]>(7), reader.IsDBNull(8) ? null : reader.GetInt64(8),
        reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetString(10), reader.GetString(11));
}

/// <summary>What <see cref="AuditChain.VerifyAsync"/> found: the entries checked and, when the chain is broken, where and why.</summary>
public sealed record AuditVerification(long Entries, long? BrokenAt, string? Reason)
{
    public bool Intact => BrokenAt is null;

    public override string ToString() => Intact
        ? $"audit chain intact: {Entries} entries"
        : $"audit chain broken at entry {BrokenAt}: {Reason} ({Entries} entries before it are intact)";
}

/// <summary>
/// The hash chain over the audit trail, as X-Road chains its message log: each entry's digest covers its fields and
/// the digest of the entry before, so changing, removing or reordering any entry breaks every digest after it.
/// Cutting entries off the end is not detectable from the chain alone; compare the head with a copy kept elsewhere.
/// </summary>
public static class AuditChain
{
    /// <summary>
    /// The bytes an entry's digest is taken over (UTF-8): a version tag, the seq, the time in microseconds since the Unix
    /// epoch, each text as its UTF-8 length, a colon and the text ('-' for null), the subjects counted and bracketed,
    /// the row count, and the previous digest. Must agree with <c>audit_canonical</c> in <see cref="AuditTable"/>.
    /// </summary>
    public static string Canonical(AuditEntry e)
    {
        var text = new StringBuilder("audit-v1|");
        text.Append(CultureInfo.InvariantCulture, $"{e.Seq}|{(e.At.UtcTicks - DateTime.UnixEpoch.Ticks) / 10}|");
        foreach (var value in new[] { e.Actor, e.Role, e.Agency, e.Address, e.Operation })
        {
            text.Append(Field(value));
        }
        text.Append(CultureInfo.InvariantCulture, $"{e.Subjects.Count}[");
        foreach (var subject in e.Subjects)
        {
            text.Append(Field(subject));
        }
        text.Append(CultureInfo.InvariantCulture, $"]{(e.RowCount is { } rows ? rows.ToString(CultureInfo.InvariantCulture) : "-")}|");
        return text.Append(Field(e.Purpose)).Append(e.PrevDigest).ToString();
    }

    private static string Field(string? value) =>
        value is null ? "-" : $"{Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)}:{value}";

    public static string Digest(AuditEntry entry) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(entry))));

    /// <summary>Walks the whole trail in order, recomputing every digest; stops at the first entry that does not fit.</summary>
    public static async Task<AuditVerification> VerifyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select {AuditEntry.Columns} from {AuditTable.Name} order by seq");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var expectedPrev = AuditTable.Genesis;
        long count = 0;
        while (await reader.ReadAsync(ct))
        {
            var entry = AuditEntry.Read(reader);
            var reason = entry.Seq != count + 1 ? $"expected entry {count + 1} here (entries are numbered without gaps)"
                : entry.PrevDigest != expectedPrev ? "its previous digest is not the digest of the entry before it"
                : Digest(entry) != entry.Digest ? "its digest does not match its contents"
                : null;
            if (reason is not null)
            {
                return new AuditVerification(count, entry.Seq, reason);
            }
            expectedPrev = entry.Digest;
            count++;
        }
        return new AuditVerification(count, null, null);
    }
}
