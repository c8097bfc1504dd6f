using Npgsql;
using Platform.Templates.Schema;

namespace Platform.Reporting;

/// <summary>
/// What a leader asks: tax periods <c>From</c>..<c>To</c> (yyyy-MM, inclusive), optionally one county (a GB/T 2260
/// prefix: <c>5113</c> the city, <c>511302</c> one district), one contributing agency and one rule.
/// </summary>
public sealed record ResultsFilter(string From, string To, string? County = null, string? Agency = null, string? Rule = null);

/// <summary>
/// The control-results figures of one slice. Lead figures count each lead once (or, with an agency, the leads its
/// records contributed to); record figures are the submissions of the periods (county and rule do not apply to them).
/// </summary>
public sealed record ResultFigures(
    string Key,
    int Submissions,
    int SubmissionsAccepted,
    int SubmissionsRejected,
    long RecordsReceived,
    long RecordsAccepted,
    long RecordsRejected,
    int LeadsRaised,
    int LeadsOpen,
    int LeadsConfirmed,
    int LeadsDismissed,
    int LeadsCollected,
    int LeadsClosedAsCorrected,
    int UnregisteredFound,
    int UnregisteredRegistered,
    decimal TaxAssessed,
    decimal LateFeesAssessed,
    decimal PenaltiesAssessed,
    decimal TaxCollected,
    decimal LateFeesCollected,
    decimal PenaltiesCollected,
    decimal AmountAtRiskOpen,
    decimal? AverageDaysToClose);

/// <summary>The page's figures: headline, the monthly trend, and breakdowns by county, agency and rule.</summary>
public sealed record ControlResults(
    ResultsFilter Filter,
    ResultFigures Headline,
    IReadOnlyList<ResultFigures> ByMonth,
    IReadOnlyList<ResultFigures> ByCounty,
    IReadOnlyList<ResultFigures> ByAgency,
    IReadOnlyList<ResultFigures> ByRule);

/// <summary>Reads <see cref="ResultTables"/>' cubes: one round trip of seven small grouped sums, whatever the number of records or leads.</summary>
public sealed class ResultsReader(NpgsqlDataSource dataSource)
{
    private const string Total = "''";

    public async Task<ControlResults> ReadAsync(ResultsFilter filter, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        // Lead figures by: all, month, county, agency, rule. With an agency filter, the agency's rows; else the '' rows.
        foreach (var by in new[] { Total, "period", "county", "agency", "rule" })
        {
            batch.BatchCommands.Add(Command(LeadSql(by), filter));
        }
        foreach (var by in new[] { Total, "period", "agency" })
        {
            batch.BatchCommands.Add(Command(SubmissionSql(by), filter));
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var leads = new List<Dictionary<string, LeadSums>>();
        for (var i = 0; i < 5; i++)
        {
            var sums = new Dictionary<string, LeadSums>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct))
            {
                sums[reader.GetString(0)] = new LeadSums(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetDecimal(9), reader.GetDecimal(10),
                    reader.GetDecimal(11), reader.GetDecimal(12), reader.GetDecimal(13), reader.GetDecimal(14), reader.GetDecimal(15),
                    reader.GetInt64(16), reader.GetDecimal(17));
            }
            leads.Add(sums);
            await reader.NextResultAsync(ct);
        }
        var records = new List<Dictionary<string, RecordSums>>();
        for (var i = 0; i < 3; i++)
        {
            var sums = new Dictionary<string, RecordSums>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct))
            {
                sums[reader.GetString(0)] = new RecordSums(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetInt64(6));
            }
            records.Add(sums);
            await reader.NextResultAsync(ct);
        }
        var months = Months(filter.From, filter.To);
        return new ControlResults(
            filter,
            Figures("", leads[0].GetValueOrDefault(""), records[0].GetValueOrDefault("")),
            [.. months.Select(m => Figures(m, leads[1].GetValueOrDefault(m), records[1].GetValueOrDefault(m)))],
            [.. leads[2].OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Figures(p.Key, p.Value, null))],
            [
                .. leads[3].Keys.Union(records[2].Keys).Where(k => k.Length > 0).Order(StringComparer.Ordinal)
                    .Select(k => Figures(k, leads[3].GetValueOrDefault(k), records[2].GetValueOrDefault(k))),
            ],
            [.. leads[4].OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Figures(p.Key, p.Value, null))]);
    }

    /// <summary>
    /// Lead sums grouped by one column. The agency breakdown reads each agency's rows (a lead once per contributing
    /// agency); every other grouping reads the agency asked for, or the <c>''</c> rows that count each lead once.
    /// </summary>
    private static string LeadSql(string by)
    {
        var agency = by == "agency" ? "c.agency <> '' and ($4::text is null or c.agency = $4)" : "c.agency = coalesce($4, '')";
        var sums = string.Join(", ", ResultTables.LeadFigures.Select(f => $"sum(c.{f.Column})"));
        return $"""
                select {(by == Total ? Total : $"c.{by}")}, {sums}
                from {ResultTables.LeadCube} c
                where c.period between $1 and $2 and ($3::text is null or starts_with(c.county, $3)) and {agency}
                  and ($5::text is null or c.rule = $5)
                group by 1
                """;
    }

    private static string SubmissionSql(string by) =>
        $"""
         select {(by == Total ? Total : $"c.{by}")}, {string.Join(", ", ResultTables.SubmissionFigures.Where(f => f.Column != "failed").Select(f => $"sum(c.{f.Column})::bigint"))}
         from {ResultTables.SubmissionCube} c
         where c.period between $1 and $2 and ($4::text is null or c.agency = $4)
         group by 1
         """;

    private static NpgsqlBatchCommand Command(string sql, ResultsFilter filter) => new(sql)
    {
        Parameters =
        {
            new() { Value = filter.From },
            new() { Value = filter.To },
            new() { Value = (object?)filter.County ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = (object?)filter.Agency ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
            new() { Value = (object?)filter.Rule ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
        },
    };

    private static List<string> Months(string from, string to)
    {
        var months = new List<string>();
        if (Period.TryParse(from, out var first) && Period.TryParse(to, out var last))
        {
            for (var month = first; month <= last; month = month.Next)
            {
                months.Add(month.ToString());
            }
        }
        return months;
    }

    private static ResultFigures Figures(string key, LeadSums? l, RecordSums? r) => new(
        key,
        (int)(r?.Submissions ?? 0), (int)(r?.Accepted ?? 0), (int)(r?.Rejected ?? 0), r?.RowsRead ?? 0, r?.RowsAccepted ?? 0, r?.RowsRejected ?? 0,
        (int)(l?.Raised ?? 0), (int)(l?.Open ?? 0), (int)(l?.Confirmed ?? 0), (int)(l?.Dismissed ?? 0), (int)(l?.Collected ?? 0),
        (int)(l?.Corrected ?? 0), (int)(l?.UnregisteredFound ?? 0), (int)(l?.Registered ?? 0),
        l?.TaxAssessed ?? 0, l?.LateFeeAssessed ?? 0, l?.PenaltyAssessed ?? 0, l?.TaxCollected ?? 0, l?.LateFeeCollected ?? 0,
        l?.PenaltyCollected ?? 0, l?.AmountAtRisk ?? 0,
        l is { Closed: > 0 } closed ? Math.Round(closed.CloseDays / closed.Closed, 1) : null);

    private sealed record LeadSums(long Raised, long Open, long Confirmed, long Dismissed, long Collected, long Corrected, long UnregisteredFound,
        long Registered, decimal TaxAssessed, decimal LateFeeAssessed, decimal PenaltyAssessed, decimal TaxCollected, decimal LateFeeCollected,
        decimal PenaltyCollected, decimal AmountAtRisk, long Closed, decimal CloseDays);

    private sealed record RecordSums(long Submissions, long Accepted, long Rejected, long RowsRead, long RowsAccepted, long RowsRejected);
}
