using Marten;
using Marten.Patching;
using Marten.Services;
using Npgsql;
using Platform.Comparisons.Leads;
using Platform.Comparisons.Rules;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;

namespace Platform.Comparisons.Runs;

/// <summary>A run that does not start: an unknown rule, or another run of the rule under way (on this host or another).</summary>
public sealed class RunRefusedException(RefusalKind kind, string message) : Exception(message)
{
    public RefusalKind Kind { get; } = kind;
}

/// <summary>
/// Runs a rule: its candidates into the run's temporary <see cref="CandidateTable"/>, then the merge with the rule's
/// leads, set-based in SQL (RULES.md "Leads from runs"), then the events in bulk, all in one transaction that also
/// records the <see cref="RuleRun"/>. A transaction-level advisory lock per rule keeps two hosts (or a schedule and an
/// analyst) from running one rule at once; the second is refused, not queued.
/// </summary>
public sealed class RuleRunner(IDocumentStore store, NpgsqlDataSource dataSource, RuleCatalog rules, TaxOffices offices, ComparisonOptions options,
    TimeProvider time)
{
    private static readonly string Leads = LeadTable.Name;

    /// <summary>Today in the platform's time zone: a run's <c>asOf</c> when none is given.</summary>
    public DateOnly Today() => DateOnly.FromDateTime(options.Now(time).DateTime);

    /// <summary>
    /// Runs the rule to the end. <paramref name="started"/> hears of the run once it holds the rule's lock (with its id,
    /// status running, as <c>ruleRuns</c> then lists it), before the long part; a refused run never starts.
    /// </summary>
    public async Task<RuleRun> RunAsync(string ruleId, DateOnly? asOf, RunTrigger trigger, string by, CancellationToken ct,
        Action<RuleRun>? started = null)
    {
        var rule = Rule(ruleId);
        var today = Today();
        var day = asOf ?? today;
        if (day > today)
        {
            throw new RunRefusedException(RefusalKind.Invalid,
                $"A run as of {day:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}, {options.TimeZone}): give today or an earlier day, or none for today.");
        }
        return await MergeAsync(ruleId, day, trigger, by, async (connection, transaction, token) =>
        {
            var query = rule.Candidates(await PrepareAsync(rule, day, token));
            // CREATE TABLE AS may plan the query with parallel workers; INSERT ... SELECT never does (PostgreSQL 15):
            // on two cores the surcharge rule's query took twice as long in the run as alone (ops/bench compare).
            // Nested loops off for this statement only: a rule reads whole data sets, and the views' join on (submission,
            // row) is estimated at a thirtieth of its rows, so the surcharge rule probed the subject index once per
            // VAT record (1.1 million probes, 31 s against 8 s hashed, with a million registrations beside them). A
            // lateral lookup (CandidateSql.CountyLookup) still runs as a nested loop, having no other plan.
            await ExecuteAsync(connection, transaction, "select set_config('enable_nestloop', 'off', true)", token);
            await using (var command = new NpgsqlCommand(
                             $"create temporary table lead_candidate_found ({CandidateTable.Columns}) on commit drop as {query.Select}", connection, transaction)
                         {
                             CommandTimeout = (int)options.CommandTimeout.TotalSeconds,
                         })
            {
                CandidateTable.AddParameters(command, day, query);
                await command.ExecuteNonQueryAsync(token);
            }
            await ExecuteAsync(connection, transaction, "select set_config('enable_nestloop', 'on', true)", token);
            await ExecuteAsync(connection, transaction,
                $"insert into {CandidateTable.Name} ({CandidateTable.Columns}) select {CandidateTable.Columns} from lead_candidate_found", token);
        }, ct, started);
    }

    /// <summary>
    /// What the rule's query reads, made ready through ingest's read layer: the latest records of the registers brought
    /// up to what was accepted (a correction just accepted shows), each subject's standing records as of the run's day
    /// (<see cref="IngestRecords.StandingPerSubjectAsync"/>), and the statistics of the tables behind the views refreshed
    /// where stale (<see cref="IngestRecords.RefreshStatisticsAsync"/>): a run just after a large acceptance otherwise
    /// plans with the statistics of before it and joins the views by nested loops. The ingest worker does both after
    /// each acceptance, so a run usually finds nothing left to do.
    /// </summary>
    private async Task<RuleContext> PrepareAsync(IComparisonRule rule, DateOnly asOf, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var context = await RuleContext.ForRunAsync(connection, rule, asOf, ct);
        await IngestRecords.RefreshStatisticsAsync(connection, rule.Templates, ct);
        return context;
    }

    /// <summary>
    /// The engine without the rule's query: <paramref name="fillCandidates"/> fills <see cref="CandidateTable.Name"/> (in the
    /// run's transaction, on its connection), and the candidates are merged with the rule's leads as a run would.
    /// </summary>
    public async Task<RuleRun> MergeAsync(string ruleId, DateOnly asOf, RunTrigger trigger, string by,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> fillCandidates, CancellationToken ct, Action<RuleRun>? started = null)
    {
        var rule = Rule(ruleId);
        var startedAt = time.GetUtcNow();
        var dataAsOf = await DataAsOfAsync(rule, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await ClaimAsync(connection, transaction, rule.Id, ct))
        {
            throw new RunRefusedException(RefusalKind.Conflict, $"A run of '{rule.Id}' (or a rebuild of the leads) is under way; a run's result will show in ruleRuns.");
        }
        if (await LastAsOfAsync(rule.Id, ct) is { } last && asOf < last)
        {
            throw new RunRefusedException(RefusalKind.Invalid,
                $"The last completed run of '{rule.Id}' was as of {last:yyyy-MM-dd}; a run as of an earlier day ({asOf:yyyy-MM-dd}) would close the leads " +
                "found since as corrected away. Run it as of that day or later.");
        }
        var runId = Guid.CreateVersion7().ToString("N");
        var parameters = RuleCatalog.ParametersOf(rule);
        var running = new RuleRun(runId, rule.Id, rule.Version, parameters, asOf, trigger, by, startedAt, null, dataAsOf, 0, 0, 0, 0, 0, RunStatus.Running);
        await RecordStartAsync(running, ct);
        started?.Invoke(running);
        try
        {
            return await MergeClaimedAsync(rule, running, connection, transaction, fillCandidates, ct);
        }
        catch (Exception e)
        {
            // The run's transaction is lost with everything it did; its record says so (the reason is in the host's log).
            await StoreApartAsync(running with { Status = RunStatus.Failed, FinishedAt = time.GetUtcNow(),
                Failure = $"The run failed ({e.GetType().Name}) and changed nothing; run it again, or see the platform's log." }, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// The run's record as running, and, in the same transaction, the rule's earlier runs still recorded running marked
    /// failed (one statement): this run holds the rule's lock, which a run keeps until its own transaction ends and which
    /// a run records its end before losing, so none of them is alive. Their host stopped, or lost the database, before it
    /// could record how they ended (<see cref="RuleRun.Stopped"/>).
    /// </summary>
    private async Task RecordStartAsync(RuleRun running, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Patch<RuleRun>(r => r.Rule == running.Rule && r.Status == RunStatus.Running && r.Id != running.Id)
            .Set(r => r.Status, RunStatus.Failed)
            .Set(r => r.FinishedAt, running.StartedAt)
            .Set(r => r.Failure, RuleRun.Stopped(running));
        session.Store(running);
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The day the rule's last completed run was as of: runs go forward, since a run merges its candidates with every open
    /// lead and closes those it no longer finds (attacker review, 2026-12-02: a run as of 0001-01-01 closed every open lead).
    /// </summary>
    private async Task<DateOnly?> LastAsOfAsync(string ruleId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var runs = await session.Query<RuleRun>().Where(r => r.Rule == ruleId && r.Status == RunStatus.Completed)
            .OrderByDescending(r => r.AsOf).Take(1).ToListAsync(ct);
        return runs.Count == 0 ? null : runs[0].AsOf;
    }

    /// <summary>A run's record written in its own transaction, so every host's <c>ruleRuns</c> shows it while the run goes on.</summary>
    private async Task StoreApartAsync(RuleRun run, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Store(run);
        await session.SaveChangesAsync(ct);
    }

    private async Task<RuleRun> MergeClaimedAsync(IComparisonRule rule, RuleRun running, NpgsqlConnection connection, NpgsqlTransaction transaction,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> fillCandidates, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, "select set_config('work_mem', $1, true)", ct, options.WorkMem);
        await ExecuteAsync(connection, transaction, CandidateTable.Create, ct);
        await fillCandidates(connection, transaction, ct);
        await ExecuteAsync(connection, transaction, DigestsSql, ct);
        // Indexed and analysed: whichever way the planner joins (the lead table's statistics may lag a large run), it is not quadratic.
        await ExecuteAsync(connection, transaction, "create index on lead_candidate_digest (subject, month)", ct);
        await ExecuteAsync(connection, transaction, "analyze lead_candidate_digest", ct);
        await ExecuteAsync(connection, transaction, ChangesSql, ct, rule.Id);
        var candidates = await ExecuteAsync(connection, transaction, "select count(*)::int from lead_candidate_digest", ct);
        var counts = await CountsAsync(connection, transaction, ct);

        var (runId, parameters) = (running.Id, running.Parameters);
        var raisedBy = $"rule:{rule.Id}";
        await ExecuteAsync(connection, transaction, "declare lead_changes no scroll cursor for select action, lead_id, subject, " +
            "to_char(period, 'YYYY-MM'), amount_at_risk, base, evidence::text, digest, county from lead_change", ct);
        var append = new LeadAppend(store);
        while (true)
        {
            var chunk = await FetchAsync(connection, transaction, ct);
            if (chunk.Count == 0)
            {
                break;
            }
            var now = time.GetUtcNow();
            foreach (var change in chunk)
            {
                switch (change.Action)
                {
                    case "raise":
                        var id = Guid.CreateVersion7().ToString("N");
                        var raised = new LeadRaised(id, rule.Id, rule.Version, parameters, change.Subject, change.Period, change.AmountAtRisk,
                            change.Base, Evidence.Parse(change.Evidence!), change.Digest!, change.County!, runId, now);
                        append.Start(id, offices.For(raised.County) is { } office
                            ? [raised, new LeadAssigned(id, office.Id, raisedBy, now)]
                            : [raised]);
                        break;
                    case "update":
                        append.Append(change.LeadId!, new LeadEvidenceUpdated(change.LeadId!, change.AmountAtRisk, change.Base,
                            Evidence.Parse(change.Evidence!), change.Digest!, runId, now));
                        break;
                    default:
                        append.Append(change.LeadId!, new LeadClosedAsCorrected(change.LeadId!, runId, now));
                        break;
                }
            }
            await append.FlushAsync(connection, transaction, ct);
        }
        await append.CompleteAsync(connection, transaction, ct);
        var run = running with
        {
            Status = RunStatus.Completed, FinishedAt = time.GetUtcNow(), Candidates = candidates, Raised = counts.GetValueOrDefault("raise"),
            Updated = counts.GetValueOrDefault("update"), Closed = counts.GetValueOrDefault("close"),
            Unchanged = candidates - counts.GetValueOrDefault("raise") - counts.GetValueOrDefault("update"),
        };
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            session.Store(run);
            await session.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return run;
    }

    /// <summary>The latest acceptance of a submission of the templates the rule reads: the data a run sees is as of then.</summary>
    public async Task<DateTimeOffset?> DataAsOfAsync(IComparisonRule rule, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var templates = rule.Templates.ToArray();
        var accepted = await session.Query<Submission>()
            .Where(s => templates.Contains(s.TemplateId) && (s.Status == SubmissionStatus.Accepted || s.Status == SubmissionStatus.AcceptedWithErrors))
            .OrderByDescending(s => s.CompletedAt)
            .FirstOrDefaultAsync(ct);
        return accepted?.CompletedAt;
    }

    private IComparisonRule Rule(string ruleId) =>
        rules.Find(ruleId) ?? throw new RunRefusedException(RefusalKind.NotFound,
            $"There is no rule '{ruleId}'; the rules are {string.Join(", ", rules.All.Select(r => r.Id).Order(StringComparer.Ordinal))}.");

    private static async Task<bool> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string ruleId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(RuleLock.Claim, connection, transaction)
        {
            Parameters = { new() { Value = ruleId } },
        };
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>
    /// The merge: each candidate (one per subject and period) against the rule's open leads and the leads worked to an
    /// end (dismissed, confirmed, collected), into the temporary table <c>lead_change</c>: <c>raise</c> where no open lead
    /// has the (subject, period) and no worked one has the same evidence digest; <c>update</c> where the open lead's digest
    /// differs; <c>close</c> for open leads without a candidate.
    /// </summary>
    private static readonly string ChangesSql = $"""
        create temporary table lead_change on commit drop as
        select 'raise' as action, null::text as lead_id, c.subject, c.period, c.amount_at_risk, c.base, c.evidence, c.digest, c.county
          from lead_candidate_digest c
         where not exists (select 1 from {Leads} o where o.rule = $1 and o.subject = c.subject and o.period = c.month and {Open("o")})
           and not exists (select 1 from {Leads} w where w.rule = $1 and w.subject = c.subject and w.period = c.month and w.digest = c.digest and {Worked("w")})
        union all
        select 'update', o.id, c.subject, c.period, c.amount_at_risk, c.base, c.evidence, c.digest, c.county
          from lead_candidate_digest c
          join {Leads} o on o.rule = $1 and o.subject = c.subject and o.period = c.month and {Open("o")}
         where o.digest <> c.digest
        union all
        select 'close', o.id, o.subject, null, 0, null, null, null, null
          from {Leads} o
         where o.rule = $1 and {Open("o")}
           and not exists (select 1 from lead_candidate_digest c where c.subject = o.subject and c.month = o.period)
        """;

    private static string Open(string alias) => Lead.OpenPredicate.Replace("status", $"{alias}.status", StringComparison.Ordinal);

    private static string Worked(string alias) => Lead.WorkedPredicate.Replace("status", $"{alias}.status", StringComparison.Ordinal);

    /// <summary>One candidate per (subject, period) with its evidence digest, analysed so that the merge's anti-joins are hashed.</summary>
    private static readonly string DigestsSql = $"""
        create temporary table lead_candidate_digest on commit drop as
        select distinct on (c.subject, c.period) c.subject, c.period, to_char(c.period, 'YYYY-MM') as month, c.amount_at_risk, c.base,
               c.evidence, c.county, {CandidateTable.DigestOf} as digest
          from {CandidateTable.Name} c
         order by c.subject, c.period, c.amount_at_risk desc
        """;

    private async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct,
        params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = (int)options.CommandTimeout.TotalSeconds };
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return await command.ExecuteScalarAsync(ct) is int count ? count : 0;
    }

    private static async Task<Dictionary<string, int>> CountsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("select action, count(*)::int from lead_change group by action", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, int>();
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }
        return counts;
    }

    private sealed record Change(string Action, string? LeadId, string Subject, string Period, decimal AmountAtRisk, decimal? Base,
        string? Evidence, string? Digest, string? County);

    private async Task<List<Change>> FetchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"fetch {Math.Max(1, options.AppendBatch)} from lead_changes", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var chunk = new List<Change>();
        while (await reader.ReadAsync(ct))
        {
            chunk.Add(new Change(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? "" : reader.GetString(3), reader.GetDecimal(4), reader.IsDBNull(5) ? null : reader.GetDecimal(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return chunk;
    }
}
