using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Ingest.Quality;

public enum Timeliness
{
    OnTime,
    Late,
    Missing,

    /// <summary>Not due yet and nothing accepted yet.</summary>
    NotYetDue,

    /// <summary>The template is sent on demand: there is no due date to keep.</summary>
    OnDemand,

    /// <summary>
    /// The template was not in force from the period's start to its due date (activated later, or retired before the
    /// data was due): nothing was owed for the period, so it is not assessed.
    /// </summary>
    NotInForce,
}

/// <summary>
/// One agency's delivery of one template for one period, for the performance assessment (考核) the source describes:
/// whether it came on time, how many rows were accepted and rejected, and how complete the required fields were.
/// </summary>
public sealed record ScoreboardLine(
    string Agency,
    string TemplateId,
    Period Period,
    DateOnly? DueDate,
    Timeliness Timeliness,
    int? DaysLate,
    DateTimeOffset? FirstAcceptedAt,
    int Submissions,
    int RowsAccepted,
    int RowsRejected,
    double? RequiredCompleteness);

/// <summary>A stretch of time during which a template had an active version; <c>Until</c> is null while it still has one.</summary>
public sealed record InForce(DateTimeOffset From, DateTimeOffset? Until);

/// <summary>An agency's record over the periods assessed.</summary>
public sealed record AgencyScore(string Agency, int Due, int OnTime, int Late, int Missing, double? OnTimeRate, int RowsAccepted, int RowsRejected,
    double? RequiredCompleteness, IReadOnlyList<ScoreboardLine> Lines);

public static class Scoreboard
{
    /// <summary>
    /// When a template was in force: from a version's activation until the template had no active version left (its
    /// active version retired). A new version supersedes the old one at the moment it is activated, so the template
    /// stays in force across versions.
    /// </summary>
    public static IReadOnlyList<InForce> InForce(IEnumerable<TemplateVersion> versions)
    {
        var merged = new List<InForce>();
        foreach (var span in versions.SelectMany(Spans).OrderBy(s => s.From))
        {
            if (merged.Count == 0 || merged[^1].Until is { } until && span.From > until)
            {
                merged.Add(span);
            }
            else if (merged[^1].Until is { } end && (span.Until is null || span.Until > end))
            {
                merged[^1] = merged[^1] with { Until = span.Until };
            }
        }
        return merged;
    }

    private static IEnumerable<InForce> Spans(TemplateVersion version)
    {
        DateTimeOffset? from = null;
        foreach (var step in version.History)
        {
            if (step.Step == "activated")
            {
                from = step.At;
            }
            else if (from is { } activated && step.Step is "superseded" or "retired")
            {
                yield return new InForce(activated, step.At);
                from = null;
            }
        }
        if (from is { } open)
        {
            yield return new InForce(open, null);
        }
    }

    /// <summary>
    /// Whether an agency owes a period, which is what it is judged by, so it must be fair: the template was in force
    /// from the period's first day (a quarter's first day for a quarterly template) to its due date. A template
    /// activated during a period is first owed for the next one (activated on 15 November: December, due in
    /// January); a period whose due date falls on or after the day the template was retired is not owed, as the
    /// retired version no longer accepts it. Days are UTC days, as due dates are.
    /// </summary>
    public static bool Owed(Schedule schedule, Period period, DateOnly due, IReadOnlyList<InForce> inForce)
    {
        var start = period.CoversFrom(schedule);
        return inForce.Any(s => Day(s.From) <= start && (s.Until is not { } until || due < Day(until)));
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>The periods a template is assessed for: monthly every month, quarterly every quarter's last month.</summary>
    public static IEnumerable<Period> Periods(Schedule schedule, Period from, Period to)
    {
        for (var month = from; month <= to; month = month.Next)
        {
            if (schedule.Kind != ScheduleKind.Quarterly || month.IsQuarterEnd)
            {
                yield return month;
            }
        }
    }

    /// <summary>
    /// One template and period: <paramref name="inForce"/> is when the template was in force (see <see cref="Owed"/>);
    /// <paramref name="submissions"/> are the agency's for it, any status; <paramref name="requiredMissing"/> counts the
    /// required cells found empty across them.
    /// </summary>
    public static ScoreboardLine Line(string agency, string templateId, Schedule schedule, IReadOnlyList<InForce> inForce, int requiredFields,
        Period period, IReadOnlyList<Submission> submissions, int requiredMissing, DateOnly today)
    {
        var due = period.DueDate(schedule);
        var owed = due is not { } day || Owed(schedule, period, day, inForce);
        due = owed ? due : null;
        var firstAccepted = submissions
            .Where(s => s.Status is SubmissionStatus.Accepted or SubmissionStatus.AcceptedWithErrors && s.Mode is SubmissionMode.New or SubmissionMode.Replace)
            .Select(s => (DateTimeOffset?)s.ReceivedAt)
            .Min();
        var (timeliness, daysLate) = (due, firstAccepted) switch
        {
            _ when !owed => (Timeliness.NotInForce, (int?)null),
            (null, _) => (Timeliness.OnDemand, null),
            ({ } d, { } at) when DateOnly.FromDateTime(at.UtcDateTime) <= d => (Timeliness.OnTime, null),
            ({ } d, { } at) => (Timeliness.Late, DateOnly.FromDateTime(at.UtcDateTime).DayNumber - d.DayNumber),
            ({ } d, null) when d < today => (Timeliness.Missing, today.DayNumber - d.DayNumber),
            _ => (Timeliness.NotYetDue, null),
        };
        var rowsRead = submissions.Sum(s => s.RowsRead);
        double? completeness = rowsRead == 0 || requiredFields == 0
            ? null
            : Math.Round(1 - ((double)requiredMissing / ((long)rowsRead * requiredFields)), 4);
        return new ScoreboardLine(agency, templateId, period, due, timeliness,
            daysLate, firstAccepted, submissions.Count, submissions.Sum(s => s.RowsAccepted), submissions.Sum(s => s.RowsRejected), completeness);
    }

    public static AgencyScore Summarise(string agency, IReadOnlyList<ScoreboardLine> lines)
    {
        var assessed = lines.Where(l => l.Timeliness is Timeliness.OnTime or Timeliness.Late or Timeliness.Missing).ToList();
        var onTime = assessed.Count(l => l.Timeliness == Timeliness.OnTime);
        var complete = lines.Where(l => l.RequiredCompleteness is not null).ToList();
        return new AgencyScore(agency, assessed.Count, onTime, assessed.Count(l => l.Timeliness == Timeliness.Late),
            assessed.Count(l => l.Timeliness == Timeliness.Missing), assessed.Count == 0 ? null : Math.Round((double)onTime / assessed.Count, 4),
            lines.Sum(l => l.RowsAccepted), lines.Sum(l => l.RowsRejected),
            complete.Count == 0 ? null : Math.Round(complete.Average(l => l.RequiredCompleteness!.Value), 4), lines);
    }
}
