using System.Text.Json;

namespace Platform.Comparisons.Runs;

/// <summary>How a run was started.</summary>
public enum RunTrigger
{
    /// <summary>An analyst asked for it (<c>runRule</c>).</summary>
    OnDemand,

    /// <summary>The schedule (<c>Comparisons:ScheduleInterval</c>).</summary>
    Schedule,

    /// <summary>A submission of a template the rule reads was accepted.</summary>
    Acceptance,
}

/// <summary>Where a run is: under way, done (its leads committed with it), or failed (nothing of it stands).</summary>
public enum RunStatus
{
    Running,
    Completed,
    Failed,
}

/// <summary>
/// One run of a rule, as a document: written as running once the run holds the rule's lock, then again in the run's own
/// transaction with its leads' events (or as failed): which rule, version and parameters, as of which day, when, the
/// data it saw (the latest accepted submission of the templates it reads), and what it did: leads raised, updated,
/// closed as corrected, and candidates that changed nothing.
/// </summary>
public sealed record RuleRun(
    string Id,
    string Rule,
    int RuleVersion,
    JsonElement Parameters,
    DateOnly AsOf,
    RunTrigger Trigger,
    string By,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? DataAsOf,
    int Candidates,
    int Raised,
    int Updated,
    int Closed,
    int Unchanged,
    RunStatus Status = RunStatus.Completed,
    string? Failure = null)
{
    /// <summary>Why a run recorded running whose rule's lock nobody holds is shown failed (<see cref="RuleRunReader"/>).</summary>
    public const string Lost =
        "The host running it stopped, or lost the database, before the run ended (no run of this rule holds its lock). Its leads " +
        "are written with its end in one transaction, so it raised, updated and closed no lead; run the rule again. The next run " +
        "records it failed.";

    /// <summary>
    /// Why a run found still recorded running when <paramref name="next"/> of its rule started has failed. A run writes its
    /// leads' events and its completed record in one transaction, so a run cut off before its commit left no lead behind.
    /// </summary>
    public static string Stopped(RuleRun next) =>
        $"The host running it stopped, or lost the database, before the run ended: no run of this rule was alive when run {next.Id} " +
        $"started at {next.StartedAt:yyyy-MM-dd HH:mm:ss} UTC. Its leads are written with its end in one transaction, so it raised, " +
        $"updated and closed no lead. Run {next.Id} merges the rule's candidates afresh; if it was as of another day than this run, run the rule again as of this run's day.";
}
