using System.Text.Json;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Comparisons.Leads;

/// <summary>
/// Which leads to list: each filter optional; <paramref name="County"/> is a division prefix (a county, or a city's four
/// digits); <paramref name="Subject"/> one taxpayer's subject key (the taxpayer's history lists its leads through it).
/// </summary>
public sealed record LeadFilter(string? Rule = null, LeadStatus? Status = null, string? County = null, string? Period = null, string? Subject = null);

/// <summary>One page of leads, in id order (ids are time-ordered), with the count of all that match and the cursor of the last.</summary>
public sealed record LeadPage(int TotalCount, IReadOnlyList<Lead> Nodes, bool HasNextPage, string? EndCursor);

/// <summary>One event of a lead's history as people read it: what happened, when, by whom, and a line of its particulars.</summary>
public sealed record LeadHistoryEntry(string LeadId, string Event, DateTimeOffset At, string? By, string Summary);

/// <summary>
/// The read layer of leads: pages of the inline read model (the Marten document <see cref="Lead"/>) and lead histories
/// from the event streams, each one SQL statement, so a GraphQL page costs the same number of statements whatever its size.
/// The caller's reach is a filter like the others: <see cref="Reach"/>.
/// </summary>
public sealed class LeadReader(IDocumentStore store, NpgsqlDataSource dataSource)
{
    private static readonly string Table = LeadTable.Name;

    /// <summary>How far a caller sees: every county (null prefix), the counties under a prefix or an office's leads, or nothing.</summary>
    public sealed record Reach(bool None, string? CountyPrefix, string? Office)
    {
        public static Reach Of(LeadActor actor) => actor.Role == LeadRole.Analyst
            ? new(false, actor.Jurisdiction, null)
            : new(actor.Jurisdiction is null && actor.Office is null, actor.Jurisdiction ?? "-", actor.Office);
    }

    public async Task<LeadPage> PageAsync(LeadFilter filter, Reach reach, int first, string? after, CancellationToken ct)
    {
        if (reach.None)
        {
            return new LeadPage(0, [], false, null);
        }
        const string where = """
            ($1::text is null or rule = $1) and ($2::text is null or status = $2) and ($3::text is null or county like $3 || '%')
            and ($4::text is null or period = $4) and ($5::text is null or county like $5 || '%' or office = $6)
            and ($9::text is null or subject = $9)
            """;
        await using var command = dataSource.CreateCommand($"""
            select t.total::int, to_jsonb(l)::text
              from (select count(*) as total from {Table} where {where}) t
              left join lateral (select * from {Table} where {where} and ($7::text is null or id > $7) order by id limit $8) l on true
             order by l.id
            """);
        object?[] values = [filter.Rule, filter.Status?.ToString(), filter.County, filter.Period, reach.CountyPrefix, reach.Office, after, first + 1, filter.Subject];
        foreach (var value in values)
        {
            command.Parameters.Add(value is int n
                ? new NpgsqlParameter { Value = n, NpgsqlDbType = NpgsqlDbType.Integer }
                : new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        }
        var total = 0;
        var leads = new List<Lead>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                total = reader.GetInt32(0);
                if (!reader.IsDBNull(1))
                {
                    leads.Add(LeadTable.Read(reader.GetString(1)));
                }
            }
        }
        var hasNext = leads.Count > first;
        var page = leads.Take(first).ToList();
        return new LeadPage(total, page, hasNext, page.Count > 0 ? page[^1].Id : null);
    }

    public async Task<Lead?> FindAsync(string id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"select to_jsonb(l)::text from {Table} l where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(ct) is string json ? LeadTable.Read(json) : null;
    }

    /// <summary>The histories of many leads in one statement (a GraphQL page's <c>history</c> fields load through this).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<LeadHistoryEntry>>> HistoriesAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var keys = ids.ToArray();
        var events = await session.Events.QueryAllRawEvents().Where(e => keys.Contains(e.StreamKey!)).OrderBy(e => e.Sequence).ToListAsync(ct);
        return events.Select(e => Entry(e.StreamKey!, e.Data))
            .GroupBy(e => e.LeadId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LeadHistoryEntry>)[.. g]);
    }

    private static string Kebab(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static LeadHistoryEntry Entry(string id, object data) => data switch
    {
        LeadRaised r => new(id, Kebab(nameof(LeadRaised)), r.At, $"rule:{r.Rule}",
            $"{r.Rule} v{r.RuleVersion}: {r.Subject} {r.Period}, {r.AmountAtRisk:0.00} at risk, {r.Evidence.Records.Count} records cited"),
        LeadAssigned a => new(id, Kebab(nameof(LeadAssigned)), a.At, a.By, $"assigned to {a.Office}"),
        LeadEvidenceUpdated u => new(id, Kebab(nameof(LeadEvidenceUpdated)), u.At, null,
            $"new evidence: {u.AmountAtRisk:0.00} at risk, {u.Evidence.Records.Count} records cited"),
        VerificationStarted v => new(id, Kebab(nameof(VerificationStarted)), v.At, v.By, "verification started"),
        LeadConfirmed c => new(id, Kebab(nameof(LeadConfirmed)), c.At, c.By, c.Kind == Confirmation.TaxpayerRegistered
            ? "confirmed: taxpayer registered"
            : $"confirmed: tax {c.Tax:0.00}, late fee {c.LateFee:0.00}, penalty {c.Penalty:0.00}"),
        LeadDismissed d => new(id, Kebab(nameof(LeadDismissed)), d.At, d.By, $"dismissed: {d.Reason}"),
        LeadCollected c => new(id, Kebab(nameof(LeadCollected)), c.At, c.By,
            $"collected on {c.PaidOn:yyyy-MM-dd}: tax {c.TaxPaid:0.00}, late fee {c.LateFeePaid:0.00}, penalty {c.PenaltyPaid:0.00}"),
        LeadClosedAsCorrected c => new(id, Kebab(nameof(LeadClosedAsCorrected)), c.At, null, "closed: the data behind it was corrected"),
        _ => new(id, Kebab(data.GetType().Name), default, null, ""),
    };
}
