using System.Security.Claims;
using Marten;
using Npgsql;
using NpgsqlTypes;
using OpenIddict.Abstractions;
using Platform.Api.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Audit;

/// <summary>Bounds of the audit trail's inputs (<c>Audit:</c> in configuration).</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>The longest stated purpose of a read, in characters.</summary>
    public int MaxPurposeChars { get; init; } = 500;

    /// <summary>The most entries one query of the trail returns.</summary>
    public int MaxQueryLimit { get; init; } = 1000;
}

/// <summary>Who did it, from where: taken from the request (the token's client and role, its agency, the remote address).</summary>
public sealed record AuditActor(string Actor, string Role, string? Agency, string? Address)
{
    public static AuditActor From(HttpContext http) => From(http.User, http);

    public static AuditActor From(ClaimsPrincipal user, HttpContext? http) => new(user.GetClaim(Claims.Subject) ?? "",
        user.GetClaim(Claims.Role) ?? "", user.GetClaim(PlatformClaims.Agency), http?.Connection.RemoteIpAddress?.ToString());
}

/// <summary>An entry made at <see cref="At"/> and written later (<see cref="AuditTrail.RecordManyAsync"/>).</summary>
public sealed record AuditRecord(DateTimeOffset At, AuditActor Actor, string Operation, IReadOnlyList<string> Subjects, long? RowCount = null,
    string? Purpose = null);

/// <summary>
/// The audit trail (DESIGN: confidentiality, every access audited): every read of taxpayer-level data and every
/// privileged change is appended, hash-chained, before its answer is given. A read audits through
/// <c>RecordAsync</c>, in a transaction of its own (aliased GraphQL reads run side by side); a change in a Marten
/// session audits through <see cref="Queue"/>, in the change's own transaction. Either failing fails the request:
/// nothing is returned or changed without its entry (fail closed). Invoice-authenticity lookups are the one exception:
/// they reveal no taxpayer's data the caller did not hold, come by the thousand, and queue their entries for a writer
/// that appends them in batches (<see cref="Invoices.LookupAudit"/>, with its stated bound on what a crash can lose).
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource dataSource, TimeProvider time, AuditOptions options)
{
    private static readonly string[] Types = ["timestamptz", "text", "text", "text", "text", "text", "text[]", "bigint", "text"];

    /// <summary>The call of <c>audit_append</c> with each parameter cast, so that nulls need no type of their own.</summary>
    private static string Append(Func<int, string> placeholder) =>
        $"select {Ingest.StoreSchema.Name}.audit_append({string.Join(", ", Types.Select((type, i) => $"{placeholder(i + 1)}::{type}"))})";

    public AuditOptions Options => options;

    /// <summary>Null when the stated purpose is acceptable, else what to fix.</summary>
    public string? CheckPurpose(string? purpose) => purpose is { Length: var length } && length > options.MaxPurposeChars
        ? $"State the purpose in at most {options.MaxPurposeChars} characters."
        : null;

    public async Task RecordAsync(AuditActor actor, string operation, IReadOnlyList<string> subjects, long? rowCount, string? purpose,
        CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Append(i => $"${i}"));
        foreach (var value in Values(time.GetUtcNow(), actor, operation, subjects, rowCount, purpose))
        {
            command.Parameters.Add(value);
        }
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task RecordAsync(HttpContext http, string operation, IReadOnlyList<string> subjects, long? rowCount, string? purpose,
        CancellationToken ct) => RecordAsync(AuditActor.From(http), operation, subjects, rowCount, purpose, ct);

    /// <summary>
    /// Appends entries made earlier (each with its own time), in order, by one call of <c>audit_append_many</c>: one
    /// statement, one transaction and one round trip, the chain's lock taken and its head read once for them all, so a
    /// writer that gathers entries (<see cref="Invoices.LookupAudit"/>) pays one commit per batch rather than one per entry.
    /// All are written or none.
    /// </summary>
    public async Task RecordManyAsync(IReadOnlyList<AuditRecord> entries, CancellationToken ct)
    {
        if (entries.Count == 0)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select {Ingest.StoreSchema.Name}.audit_append_many($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::integer[], $8::text[], $9::bigint[], $10::text[])
            """, connection);
        command.Parameters.AddRange(new NpgsqlParameter[]
        {
            Column(entries.Select(e => e.At).ToArray(), NpgsqlDbType.TimestampTz),
            Column(entries.Select(e => e.Actor.Actor).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.Actor.Role).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.Actor.Agency).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.Actor.Address).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.Operation).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.Subjects.Count).ToArray(), NpgsqlDbType.Integer),
            Column(entries.SelectMany(e => e.Subjects).ToArray(), NpgsqlDbType.Text),
            Column(entries.Select(e => e.RowCount).ToArray(), NpgsqlDbType.Bigint),
            Column(entries.Select(e => string.IsNullOrEmpty(e.Purpose) ? null : e.Purpose).ToArray(), NpgsqlDbType.Text),
        });
        await command.PrepareAsync(ct); // parsed once per pooled connection
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlParameter Column<T>(T[] values, NpgsqlDbType type) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | type };

    /// <summary>Appends the entry when the session saves, in the same transaction as the change it records.</summary>
    public void Queue(IDocumentSession session, HttpContext http, string operation, IReadOnlyList<string> subjects)
    {
        var values = Values(time.GetUtcNow(), AuditActor.From(http), operation, subjects, null, null);
        session.QueueSqlCommand(Append(_ => "?"), values.Select(p => p.Value ?? DBNull.Value).ToArray());
    }

    private static NpgsqlParameter[] Values(DateTimeOffset at, AuditActor actor, string operation, IReadOnlyList<string> subjects, long? rowCount,
        string? purpose) =>
    [
        new() { Value = at, NpgsqlDbType = NpgsqlDbType.TimestampTz },
        new() { Value = actor.Actor, NpgsqlDbType = NpgsqlDbType.Text },
        new() { Value = actor.Role, NpgsqlDbType = NpgsqlDbType.Text },
        new() { Value = (object?)actor.Agency ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
        new() { Value = (object?)actor.Address ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
        new() { Value = operation, NpgsqlDbType = NpgsqlDbType.Text },
        new() { Value = subjects.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        new() { Value = (object?)rowCount ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint },
        new() { Value = string.IsNullOrEmpty(purpose) ? DBNull.Value : purpose, NpgsqlDbType = NpgsqlDbType.Text },
    ];

    /// <summary>Entries newest first, filtered by actor, subject and time (from inclusive, to exclusive), at most <paramref name="limit"/>.</summary>
    public async Task<List<AuditEntry>> QueryAsync(string? actor, string? subject, DateTimeOffset? from, DateTimeOffset? to, int limit,
        CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            select {AuditEntry.Columns} from {AuditTable.Name}
             where ($1::text is null or actor = $1) and ($2::text is null or subjects @> array[$2::text])
               and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at < $4)
             order by seq desc limit $5
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)subject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        // Npgsql writes only UTC offsets to timestamptz: a bound given as Beijing time (+08:00) is the same instant in UTC.
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)from?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)to?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, options.MaxQueryLimit), NpgsqlDbType = NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(AuditEntry.Read(reader));
        }
        return entries;
    }
}
