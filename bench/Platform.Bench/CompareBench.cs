using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Platform.City;
using Platform.Comparisons;
using Platform.Comparisons.Rules;
using Platform.Ingest.Records;
using Platform.Templates.Schema;
using Sylvan.Data.Csv;

namespace Platform.Bench;

/// <summary>
/// Issue 11 "Performance": a comparison rule run end to end through the platform (GraphQL <c>runRule</c> over HTTP with
/// the demo analyst's token, from the request to the leads stored) against a hand-written SQL anti-join over the same
/// data copied into plain indexed tables, which stores its answer in a table too. The data goes in through the upload
/// path first (timed apart): the registrations of a generated clean city of N businesses (one month, the opening
/// register), with the tax registrations of one active business in <see cref="UnregisteredEvery"/> left out, so those
/// are the leads <c>registry-unregistered</c> must raise; then a second city of T taxpayers over 12 months with planted
/// discrepancies, whose VAT declarations and surcharges feed <c>surcharge-shortfall</c>.
/// </summary>
public static class CompareBench
{
    /// <summary>One active business in this many is never registered for tax: 0.5%, a realistic share of 漏征漏管户.</summary>
    public const int UnregisteredEvery = 200;

    internal static readonly Period RegisterPeriod = Period.Parse("2026-09"), SurchargeLastPeriod = Period.Parse("2026-09");

    /// <summary>Two months after the data: past every grace period, and no record is after it.</summary>
    private static readonly DateOnly AsOf = RegisterPeriod.AddMonths(2).LastDay;

    public static async Task<int> RunAsync(string[] args)
    {
        var businesses = Options.Value(args, "--businesses", 1_000_000);
        var taxpayers = Options.Value(args, "--surcharge-taxpayers", 100_000);
        var connectionString = Options.Database();
        Console.WriteLine($"load before: {Options.Load()}");
        WaitForRuns();
        await using var server = await PlatformServer.StartAsync(connectionString);
        using var bureau = await server.ClientForAsync("agency", "tax-bureau");
        using var analyst = await server.ClientForAsync("analyst");
        await using var data = NpgsqlDataSource.Create(connectionString);

        if (businesses > 0)
        {
            await RegistryAsync(server, bureau, analyst, data, businesses);
        }
        if (taxpayers > 0)
        {
            await SurchargeAsync(server, bureau, analyst, data, taxpayers);
        }
        await LeadRebuildBench.RunAsync(connectionString, data);
        return 0;
    }

    private static async Task RegistryAsync(PlatformServer server, HttpClient bureau, HttpClient analyst, NpgsqlDataSource data, int businesses)
    {
        var watch = Stopwatch.StartNew();
        var (br, tr, planted, expected) = RegistryFiles(businesses);
        Console.WriteLine($"generated {businesses:N0} business registrations and {CountLines(tr) - 1:N0} tax registrations " +
                          $"({planted:N0} active businesses, 1 in {UnregisteredEvery}, left unregistered) in {watch.Elapsed.TotalSeconds:F1} s");

        watch.Restart();
        var ids = new[]
        {
            (await server.UploadAsync(br, RegisterPeriod.ToString()), (HttpClient?)null),
            (await server.UploadAsync(tr, RegisterPeriod.ToString(), CandidateSql.Templates.TaxRegistrations, bureau), bureau),
        };
        foreach (var id in ids)
        {
            await Accepted(server, id);
        }
        Console.WriteLine($"ingest (not timed in the ratio): both files accepted in {watch.Elapsed.TotalSeconds:F1} s; load {Options.Load()}");
        watch.Restart();
        await LatestCaughtUpAsync(data);
        Console.WriteLine($"  and the registers' latest records kept by the ingest worker after acceptance, {watch.Elapsed.TotalSeconds:F1} s more (not timed)");
        File.Delete(br);
        File.Delete(tr);

        var (run, query) = await MeasureRuleAsync(analyst, data, new RegistryUnregistered(new RegistryOptions()), expected);

        // The reference: the same standing records copied into plain tables indexed on the credit code (not timed),
        // then the same set computed by hand, into a table.
        await ReferenceTablesAsync(data, $"""
            drop table if exists bench_br, bench_tr, bench_unregistered;
            create table bench_br as select subject_key as uscc, period, submission_id, row_number, status, established
              from {IngestRecords.TypedView(CandidateSql.Templates.BusinessRegistrations).Name};
            create table bench_tr as select subject_key as uscc, period, submission_id, row_number, status
              from {IngestRecords.TypedView(CandidateSql.Templates.TaxRegistrations).Name};
            create index on bench_br (uscc);
            create index on bench_tr (uscc);
            analyze bench_br;
            analyze bench_tr;
            """);
        var (handSeconds, handRows) = await BestOfAsync(data, "bench_unregistered", """
            create table bench_unregistered as
            with b as (select distinct on (uscc) uscc, status, established from bench_br where period <= $1
                        order by uscc, period desc, submission_id desc, row_number desc),
                 t as (select distinct on (uscc) uscc, status from bench_tr where period <= $1
                        order by uscc, period desc, submission_id desc, row_number desc)
            select b.uscc, date_trunc('month', b.established)::date as period
              from b
             where b.status in ('存续', '在业') and b.established + 30 < $1
               and not exists (select 1 from t where t.uscc = b.uscc and t.status <> '注销')
            """);
        Check(handRows == expected, $"the hand-written anti-join found {handRows}, not {expected}");

        Report("registry-unregistered", run, query, handSeconds);
        Console.WriteLine(Json($"{{\"bench\":\"compare\",\"businesses\":{businesses},\"ruleSeconds\":{run.Seconds:F2},\"handSqlSeconds\":{handSeconds:F2},\"ratio\":{run.Seconds / handSeconds:F2},\"leadsRaised\":{run.Raised},\"candidateQuerySeconds\":{query:F2},\"analyseSeconds\":{run.AnalyseSeconds:F2}}}"));
    }

    private static async Task SurchargeAsync(PlatformServer server, HttpClient bureau, HttpClient analyst, NpgsqlDataSource data, int taxpayers)
    {
        const int months = 12;
        var watch = Stopwatch.StartNew();
        var directory = Directory.CreateTempSubdirectory("platform-bench-surcharge-");
        var city = GeneratedCity.Generate(new CityOptions
        {
            Businesses = taxpayers, Months = months, LastPeriod = SurchargeLastPeriod, PlantedPerRule = 4, Seed = 23,
        });
        string[] wanted = [CandidateSql.Templates.VatDeclarations, CandidateSql.Templates.Surcharges];
        var files = city.Write((template, period) => wanted.Contains(template)
            ? new StreamWriter(Path.Combine(directory.FullName, $"{template}-{period}.csv"), false, new UTF8Encoding(false), 1 << 16)
            : TextWriter.Null).Where(f => wanted.Contains(f.Template)).ToList();
        var expected = city.Ledger.Count(l => l.Rule == RuleIds.SurchargeShortfall);
        Console.WriteLine($"generated {taxpayers:N0} taxpayers x {months} months: {files.Sum(f => f.Rows):N0} rows of VAT declarations and " +
                          $"surcharges, {expected} planted shortfalls, in {watch.Elapsed.TotalSeconds:F1} s");

        watch.Restart();
        var ids = new List<(string, HttpClient?)>();
        foreach (var file in files)
        {
            ids.Add((await server.UploadAsync(Path.Combine(directory.FullName, $"{file.Template}-{file.Period}.csv"), file.Period.ToString(), file.Template, bureau), bureau));
        }
        foreach (var id in ids)
        {
            await Accepted(server, id);
        }
        directory.Delete(recursive: true);
        Console.WriteLine($"ingest (not timed in the ratio): {files.Count} files accepted in {watch.Elapsed.TotalSeconds:F1} s; load {Options.Load()}");

        var (run, query) = await MeasureRuleAsync(analyst, data, new SurchargeShortfall(new SurchargeShortfallOptions()), expected);
        await ReferenceTablesAsync(data, $"""
            drop table if exists bench_vat, bench_sur, bench_shortfall;
            create table bench_vat as select subject_key as uscc, period, vat_paid, consumption_tax_paid
              from {IngestRecords.TypedView(CandidateSql.Templates.VatDeclarations).Name};
            create table bench_sur as select subject_key as uscc, period, location, urban_maintenance_tax, education_surcharge, local_education_surcharge
              from {IngestRecords.TypedView(CandidateSql.Templates.Surcharges).Name};
            create index on bench_vat (uscc, period);
            create index on bench_sur (uscc, period);
            analyze bench_vat;
            analyze bench_sur;
            """);
        var (handSeconds, handRows) = await BestOfAsync(data, "bench_shortfall", """
            create table bench_shortfall as
            select uscc, period, greatest(du - cu, 0) + greatest(de - ce, 0) + greatest(dl - cl, 0) as amount_at_risk
              from (select v.uscc, v.period,
                           round(base * case coalesce(s.location, '其他') when '市区' then 0.07 when '县城镇' then 0.05 else 0.01 end, 2) as du,
                           round(base * 0.03, 2) as de, round(base * 0.02, 2) as dl,
                           coalesce(s.urban_maintenance_tax, 0) as cu, coalesce(s.education_surcharge, 0) as ce,
                           coalesce(s.local_education_surcharge, 0) as cl
                      from (select uscc, period, vat_paid + coalesce(consumption_tax_paid, 0) as base from bench_vat where period <= $1) v
                      left join bench_sur s on s.uscc = v.uscc and s.period = v.period
                     where v.base > 0) x
             where du - cu > 1.00 or de - ce > 1.00 or dl - cl > 1.00
            """);
        Check(handRows == expected, $"the hand-written join found {handRows}, not {expected}");

        Report("surcharge-shortfall", run, query, handSeconds);
        Console.WriteLine(Json($"{{\"bench\":\"compare-surcharge\",\"taxpayers\":{taxpayers},\"months\":{months},\"ruleSeconds\":{run.Seconds:F2},\"handSqlSeconds\":{handSeconds:F2},\"ratio\":{run.Seconds / handSeconds:F2},\"leadsRaised\":{run.Raised},\"candidateQuerySeconds\":{query:F2},\"analyseSeconds\":{run.AnalyseSeconds:F2}}}"));
    }

    /// <summary>The rule run through <c>runRule</c>, its leads counted in the store against <paramref name="expected"/>, and its candidate query timed alone.</summary>
    private static async Task<(RuleRunResult Run, double QuerySeconds)> MeasureRuleAsync(HttpClient analyst, NpgsqlDataSource data, IComparisonRule rule, int expected)
    {
        await ExecuteAsync(data, "checkpoint");
        var run = await RunRuleAsync(analyst, data, rule.Id);
        var stored = await ScalarAsync(data, "select count(*)::int from platform.lead where rule = $1", rule.Id);
        Check(run.Raised == expected && stored == expected, $"{rule.Id} raised {run.Raised} and {stored} are stored; {expected} were planted");
        return (run, await CandidateQuerySecondsAsync(data, rule));
    }

    /// <summary>Copies the reference's plain tables out of the views (not part of the reference's time).</summary>
    private static async Task ReferenceTablesAsync(NpgsqlDataSource data, string sql)
    {
        var watch = Stopwatch.StartNew();
        await ExecuteAsync(data, sql);
        Console.WriteLine($"reference tables copied, indexed and analysed in {watch.Elapsed.TotalSeconds:F1} s (not timed)");
    }

    private static void Report(string rule, RuleRunResult run, double query, double hand)
    {
        Console.WriteLine($"{rule} end to end (runRule over HTTP to leads stored): {run.Seconds,7:F2} s, {run.Raised:N0} leads raised, {run.Candidates:N0} candidates");
        Console.WriteLine($"  of which the candidate query alone (EXPLAIN ANALYZE afterwards):  {query,7:F2} s");
        Console.WriteLine($"  statistics refreshed first ({(run.Analysed.Length == 0 ? "none stale" : run.Analysed)}): {run.AnalyseSeconds,7:F2} s (timed again afterwards)");
        var rest = run.Seconds - query - run.AnalyseSeconds;
        Console.WriteLine($"  the rest (HTTP, digests, merge, events, projection, commit):     {rest,7:F2} s" +
                          (run.Raised > 0 ? $" ({run.Raised / Math.Max(0.001, rest):N0} leads/s)" : ""));
        Console.WriteLine($"hand-written SQL into a table (reference, best of 3):             {hand,7:F2} s");
        Console.WriteLine($"ratio rule/reference: {run.Seconds / hand:F2}   load {Options.Load()}");
    }

    /// <summary>A run's figures; <see cref="Analysed"/> are the tables whose statistics it refreshed, and what that takes (timed again afterwards).</summary>
    internal sealed record RuleRunResult(double Seconds, int Raised, int Candidates, string Analysed, double AnalyseSeconds);

    /// <summary>
    /// The bench times a run to its end through one request: runRule waits for it (Comparisons:RunWait) and the request
    /// may last (GraphQL:Timeout) as long as a slow machine needs, instead of answering with the run still going. Call
    /// before the server starts.
    /// </summary>
    internal static void WaitForRuns()
    {
        foreach (var setting in new[] { "PLATFORM_SERVER_GraphQL__Timeout", "PLATFORM_SERVER_Comparisons__RunWait" })
        {
            if (Environment.GetEnvironmentVariable(setting) is null)
            {
                Environment.SetEnvironmentVariable(setting, "00:10:00");
            }
        }
    }

    internal static async Task<RuleRunResult> RunRuleAsync(HttpClient analyst, NpgsqlDataSource data, string rule)
    {
        await using (var clock = data.CreateCommand("select clock_timestamp()"))
        {
            startedAt = (DateTime)(await clock.ExecuteScalarAsync())!;
        }
        var watch = Stopwatch.StartNew();
        using var response = await analyst.PostAsJsonAsync("/graphql", new
        {
            query = "mutation($rule: String!, $asOf: Date) { runRule(rule: $rule, asOf: $asOf) { id status raised candidates } }",
            variables = new { rule, asOf = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        watch.Stop();
        if (!response.IsSuccessStatusCode || body.TryGetProperty("errors", out _))
        {
            throw new InvalidOperationException($"runRule {rule} failed: {(int)response.StatusCode} {body}");
        }
        var run = body.GetProperty("data").GetProperty("runRule");
        Check(run.GetProperty("status").GetString() == "completed", $"runRule {rule} answered before the run was done: {run}");
        var analysed = new List<string>();
        await using (var command = data.CreateCommand("select schemaname || '.' || relname from pg_stat_user_tables where last_analyze >= $1 order by 1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = startedAt });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                analysed.Add(reader.GetString(0));
            }
        }
        var again = Stopwatch.StartNew();
        foreach (var table in analysed)
        {
            await ExecuteAsync(data, $"analyze {table}");
        }
        return new RuleRunResult(watch.Elapsed.TotalSeconds, run.GetProperty("raised").GetInt32(), run.GetProperty("candidates").GetInt32(),
            string.Join(", ", analysed), again.Elapsed.TotalSeconds);
    }

    private static DateTime startedAt;

    /// <summary>The rule's candidate query alone, as the run sends it (with the run's <c>work_mem</c>, nested loops off), timed by EXPLAIN ANALYZE (its plan to stderr with <c>PLATFORM_BENCH_PLANS=1</c>, timed per node then, which adds to the total).</summary>
    private static async Task<double> CandidateQuerySecondsAsync(NpgsqlDataSource data, IComparisonRule rule)
    {
        await using var connection = await data.OpenConnectionAsync();
        var query = rule.Candidates(await RuleContext.ForRunAsync(connection, rule, AsOf, CancellationToken.None));
        var plans = Environment.GetEnvironmentVariable("PLATFORM_BENCH_PLANS") is "1";
        await using (var set = new NpgsqlCommand($"set work_mem = '{new ComparisonOptions().WorkMem}'; set enable_nestloop = off", connection))
        {
            await set.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand($"explain (analyze, buffers, timing {(plans ? "on" : "off")}) " + query.Select, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = AsOf });
        foreach (var value in query.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }
        if (plans)
        {
            Console.Error.WriteLine($"-- plan of {rule.Id}:\n{string.Join('\n', plan)}");
        }
        var total = plan.Last(l => l.StartsWith("Execution Time:", StringComparison.Ordinal));
        return double.Parse(total.Split(' ')[2], CultureInfo.InvariantCulture) / 1000;
    }

    /// <summary>Runs a <c>create table ... as</c> three times (dropping the table between), returns the best time and its rows.</summary>
    private static async Task<(double Seconds, long Rows)> BestOfAsync(NpgsqlDataSource data, string table, string sql)
    {
        var best = double.MaxValue;
        long rows = 0;
        for (var run = 0; run < 3; run++)
        {
            await ExecuteAsync(data, $"drop table if exists {table}");
            await ExecuteAsync(data, "checkpoint");
            var watch = Stopwatch.StartNew();
            await using (var command = data.CreateCommand(sql))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = AsOf });
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync();
            }
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            await using var count = data.CreateCommand($"select count(*) from {table}");
            rows = (long)(await count.ExecuteScalarAsync())!;
        }
        return (best, rows);
    }

    /// <summary>
    /// The register of a clean one-month city: its business registrations as written, its tax registrations without
    /// those of every <paramref name="unregisteredEvery"/>-th active business (<see cref="UnregisteredEvery"/> by default). Returns the files, how many were left out
    /// and how many leads the rule must raise (the left-out ones established long enough before <see cref="AsOf"/>,
    /// with any the clean city itself would raise, of which there are none).
    /// </summary>
    internal static (string Br, string Tr, int Planted, int Expected) RegistryFiles(int businesses, int unregisteredEvery = UnregisteredEvery)
    {
        var br = Path.Combine(Path.GetTempPath(), $"platform-bench-compare-br-{businesses}.csv");
        var full = Path.Combine(Path.GetTempPath(), $"platform-bench-compare-tr-all-{businesses}.csv");
        var tr = Path.Combine(Path.GetTempPath(), $"platform-bench-compare-tr-{businesses}.csv");
        var city = GeneratedCity.Generate(new CityOptions { Businesses = businesses, Months = 1, LastPeriod = RegisterPeriod, PlantDiscrepancies = false });
        city.Write((template, _) => template switch
        {
            CandidateSql.Templates.BusinessRegistrations => new StreamWriter(br, false, new UTF8Encoding(false), 1 << 20),
            CandidateSql.Templates.TaxRegistrations => new StreamWriter(full, false, new UTF8Encoding(false), 1 << 20),
            _ => TextWriter.Null,
        });

        var active = new HashSet<string>(StringComparer.Ordinal);
        var left = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = CsvDataReader.Create(br))
        {
            var (uscc, status, established) = (reader.GetOrdinal("uscc"), reader.GetOrdinal("status"), reader.GetOrdinal("established"));
            var count = 0;
            while (reader.Read())
            {
                if (reader.GetString(status) is "存续" or "在业"
                    && DateOnly.ParseExact(reader.GetString(established), "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(30) < AsOf)
                {
                    active.Add(reader.GetString(uscc));
                    if (++count % unregisteredEvery == 0)
                    {
                        left.Add(reader.GetString(uscc));
                    }
                }
            }
        }
        using (var reader = CsvDataReader.Create(full))
        using (var writer = new StreamWriter(tr, false, new UTF8Encoding(false), 1 << 20))
        {
            var (uscc, status) = (reader.GetOrdinal("uscc"), reader.GetOrdinal("status"));
            writer.WriteLine(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
            var cells = new string[reader.FieldCount];
            while (reader.Read())
            {
                var key = reader.GetString(uscc);
                if (left.Contains(key))
                {
                    continue;
                }
                if (reader.GetString(status) != "注销")
                {
                    active.Remove(key);
                }
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = CsvText.Cell(reader.GetString(i));
                }
                writer.WriteLine(string.Join(',', cells));
            }
        }
        File.Delete(full);
        return (br, tr, left.Count, active.Count);
    }

    internal static async Task Accepted(PlatformServer server, (string Id, HttpClient? Client) sent)
    {
        var (id, client) = sent;
        var receipt = await server.FinalReceiptAsync(id, 200, client);
        var status = receipt.GetProperty("status").GetString();
        Check(status == "accepted", $"submission {id} ended {status}: {receipt}");
    }

    /// <summary>
    /// Waits until the ingest worker has applied the accepted registrations to the latest records it keeps after each
    /// acceptance (part of ingest, like the typed tables; a run that came first would apply them itself).
    /// </summary>
    internal static async Task LatestCaughtUpAsync(NpgsqlDataSource data)
    {
        string[] registers = [CandidateSql.Templates.BusinessRegistrations, CandidateSql.Templates.TaxRegistrations];
        for (var waited = 0; waited < 600; waited++)
        {
            await using var connection = await data.OpenConnectionAsync();
            if (!await IngestRecords.LatestPendingAsync(connection, registers, CancellationToken.None))
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new InvalidOperationException("The ingest worker did not apply the registrations to the latest records within 10 minutes.");
    }

    private static long CountLines(string path) => File.ReadLines(path).LongCount();

    private static async Task ExecuteAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(NpgsqlDataSource data, string sql, object parameter)
    {
        await using var command = data.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    internal static void Check(bool holds, string what)
    {
        if (!holds)
        {
            throw new InvalidOperationException(what);
        }
    }

    /// <summary>The load averages (1, 5, 15 minutes): the machine is shared, so figures are read beside them.</summary>
    internal static string Json(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
