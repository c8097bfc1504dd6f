namespace Platform.Comparisons;

/// <summary>Options of the comparisons (<c>Comparisons:</c> in configuration); rules' parameters are under <c>Comparisons:Rules:&lt;id&gt;</c>.</summary>
public sealed class ComparisonOptions
{
    public const string Section = "Comparisons";

    /// <summary>The tax offices leads are assigned to; empty: the demo city's (<see cref="Leads.TaxOffices.Demo"/>).</summary>
    public List<Leads.TaxOffice> Offices { get; set; } = [];

    /// <summary>How often every rule runs on its own; null (the default) runs none on a schedule.</summary>
    public TimeSpan? ScheduleInterval { get; set; }

    /// <summary>Run a rule once a submission of a template it reads is accepted (on in the platform's appsettings.json; off here and in tests).</summary>
    public bool RunAfterAcceptance { get; set; }

    /// <summary>How often the scheduler looks for newly accepted data when no acceptance in this host woke it (another host's).</summary>
    public TimeSpan AcceptancePoll { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after an acceptance a run waits, so that several submissions accepted together make one run.</summary>
    public TimeSpan AcceptanceDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after a failed run the acceptance trigger waits before running the rule again (its data still newer than
    /// its last completed run): doubled for each further failure in a row, up to <see cref="RetryFailedAtMost"/>, so a rule
    /// that keeps failing is not run in a tight loop.
    /// </summary>
    public TimeSpan RetryFailedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait before a failed rule is run again by the acceptance trigger.</summary>
    public TimeSpan RetryFailedAtMost { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long <c>runRule</c> waits for its run before answering with the run still going (status running): under
    /// GraphQL's default request timeout of 30 s. The run goes on either way; <c>ruleRuns</c> shows when it is done.
    /// </summary>
    public TimeSpan RunWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Lead changes read from the run's merge and copied into its pending events at a time, so memory stays flat for a million candidates.</summary>
    public int AppendBatch { get; set; } = 5_000;

    /// <summary>Lead events read and projected at a time by the rebuild of the lead table (<c>leads rebuild</c>), so memory stays flat however many leads.</summary>
    public int RebuildBatch { get; set; } = 5_000;

    /// <summary>How long one statement of a run may take (the candidate query, the merge): a million registrations take more than Npgsql's 30 s on a busy machine.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// PostgreSQL's <c>work_mem</c> within a run's transaction (<c>set local</c>): the candidate query sorts every
    /// standing registration to find each subject's latest, which at the server's default 4 MB spilled to disk.
    /// </summary>
    public string WorkMem { get; set; } = "64MB";

    /// <summary>The platform's time zone: a run without <c>asOf</c> runs as of today there, and a lead's steps take their today there.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The time now in <see cref="TimeZone"/>: its date is the platform's today, for runs and lead steps alike.</summary>
    public DateTimeOffset Now(TimeProvider time) => TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(TimeZone));

    /// <summary>The most leads one page of <c>leads</c> returns.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>The most runs <c>ruleRuns</c> returns.</summary>
    public int MaxRunsListed { get; set; } = 200;
}
