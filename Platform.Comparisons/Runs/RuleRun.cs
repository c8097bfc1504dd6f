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
    string? Failure = null);
