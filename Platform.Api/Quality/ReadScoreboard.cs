using Platform.Api.Access;
using static System.FormattableString;
using System.Security.Claims;
using GraphQL;
using GraphQL.Types;
using Marten;
using Platform.Api.GraphQL;
using Platform.Ingest.Quality;
using Platform.Ingest.Records;
using Platform.Ingest.Submissions;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Api.Quality;

/// <summary>
/// The timeliness and quality scoreboard (数据质量考核): per agency, template and period, whether the data came on
/// time, rows accepted and rejected, and completeness of the required fields. The bureau sees every agency; an agency
/// sees its own record.
/// </summary>
public static class ReadScoreboard
{
    public static async Task<IReadOnlyList<AgencyScore>> QueryAsync(IQuerySession session, IngestRecords records, DateOnly today,
        string? agency, Period from, Period to, CancellationToken ct)
    {
        var templates = (await session.Query<Template>().ToListAsync(ct))
            .Where(t => agency is null || t.Agency == agency)
            .Select(t => (Template: t, Version: t.Active ?? t.Versions.LastOrDefault(v => !v.IsPending), InForce: Scoreboard.InForce(t.Versions)))
            .Where(t => t.Version is not null)
            .ToList();
        // Only the asked periods' submissions are read (by the indexed period column), not the whole history.
        var periods = new List<string>();
        for (var month = from; month <= to; month = month.Next)
        {
            periods.Add(month.ToString());
        }
        var query = session.Query<Submission>().Where(s => periods.Contains(s.Period));
        if (agency is not null)
        {
            query = query.Where(s => s.Agency == agency);
        }
        var submissions = (await query.ToListAsync(ct)).ToLookup(s => (s.TemplateId, s.Period));
        var missing = await records.RequiredCellsMissingAsync([.. submissions.SelectMany(g => g).Select(s => s.Id)], ct);

        return
        [
            .. templates
                .GroupBy(t => t.Template.Agency)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(byAgency => Scoreboard.Summarise(byAgency.Key,
                [
                    .. byAgency.OrderBy(t => t.Template.Id, StringComparer.Ordinal).SelectMany(t =>
                        Scoreboard.Periods(t.Version!.Schema.Schedule, from, to).Select(period =>
                        {
                            var sent = submissions[(t.Template.Id, period.ToString())].ToList();
                            return Scoreboard.Line(byAgency.Key, t.Template.Id, t.Version.Schema.Schedule, t.InForce,
                                t.Version.Schema.Fields.Count(f => f.Constraints.Required), period, sent,
                                sent.Sum(s => missing.GetValueOrDefault(s.Id)), today);
                        })),
                ])),
        ];
    }

    /// <summary>
    /// The periods asked for: <c>from</c>..<c>to</c> as yyyy-MM, by default the twelve months before this one. Null when
    /// they can be answered, else which argument is wrong and what to fix.
    /// </summary>
    public static RangeProblem? CheckRange(string? from, string? to, DateOnly today, ScoreboardOptions limits, out Period first, out Period last)
    {
        var lastMonth = Period.Of(today).AddMonths(-1);
        last = lastMonth;
        first = lastMonth.AddMonths(1 - Math.Clamp(limits.MaxMonths, 1, 12));
        if (to is not null && !Period.TryParse(to, out last))
        {
            return new RangeProblem("to", $"Give to as year and month (2024-01), not '{to}'.");
        }
        if (from is not null && !Period.TryParse(from, out first))
        {
            return new RangeProblem("from", $"Give from as year and month (2024-01), not '{from}'.");
        }
        foreach (var (name, month) in new[] { ("from", first), ("to", last) })
        {
            if (month.Year < limits.FirstYear || month.Year > limits.LastYear)
            {
                return new RangeProblem(name, Invariant($"Periods run from {limits.FirstYear}-01 to {limits.LastYear}-12; {name} {month} is outside them."));
            }
        }
        if (first > last)
        {
            return new RangeProblem("from", Invariant($"from {first} is after to {last}."));
        }
        var months = last.MonthsSince(first) + 1;
        return months > limits.MaxMonths
            ? new RangeProblem("to", Invariant($"from {first} to {last} spans {months} months; ask for at most {limits.MaxMonths} at a time."))
            : null;
    }

    public static void MapReadScoreboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/scoreboard", (string? from, string? to, IQuerySession session, IngestRecords records, TimeProvider time,
                ScoreboardOptions limits, ClaimsPrincipal user, CancellationToken ct) =>
                Respond(session, records, time, limits, AccessPolicy.ConfinedTo(user, Operation.ReadScoreboard), from, to, all => Results.Ok(all), ct))
            .RequireAccess(Operation.ReadScoreboard)
            .WithTags("Data quality")
            .WithSummary("Every agency's timeliness and quality by template and period (from, to: yyyy-MM; default the last 12 months); an agency sees its own")
            .Produces<List<AgencyScore>>()
            .ProducesValidationProblem();

        app.MapGet("/api/agencies/{id}/scoreboard", (string id, string? from, string? to, IQuerySession session, IngestRecords records,
                TimeProvider time, ScoreboardOptions limits, ClaimsPrincipal user, CancellationToken ct) =>
                !AccessPolicy.Admits(user, Operation.ReadScoreboard, id)
                    ? Task.FromResult(Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Another agency's record",
                        detail: "You may read your own agency's scoreboard only."))
                    : Respond(session, records, time, limits, id, from, to, all => all.Count == 0
                        ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No templates", detail: $"Agency '{id}' has no agreed templates.")
                        : Results.Ok(all[0]), ct))
            .RequireAccess(Operation.ReadScoreboard)
            .WithTags("Data quality")
            .WithSummary("One agency's own record: timeliness and quality by template and period")
            .Produces<AgencyScore>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Respond(IQuerySession session, IngestRecords records, TimeProvider time, ScoreboardOptions limits,
        string? agency, string? from, string? to, Func<IReadOnlyList<AgencyScore>, IResult> respond, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (CheckRange(from, to, today, limits, out var first, out var last) is { } problem)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Argument] = [problem.Message] });
        }
        return respond(await QueryAsync(session, records, today, agency, first, last, ct));
    }
}

/// <summary>What is wrong with a requested range: the argument (<c>from</c> or <c>to</c>) and what to fix.</summary>
public sealed record RangeProblem(string Argument, string Message);

public sealed class ScoreboardQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgencyScoreGraphType>>>>("scoreboard")
            .Description("Timeliness and quality by agency, template and period (数据质量考核); an agency sees its own record.")
            .RequireAccess(Operation.ReadScoreboard)
            .Argument<StringGraphType>("from", "First period, yyyy-MM (default: twelve months ago)")
            .Argument<StringGraphType>("to", "Last period, yyyy-MM (default: last month)")
            .Argument<StringGraphType>("agency", "One agency's id")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                var today = DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
                if (ReadScoreboard.CheckRange(context.GetArgument<string?>("from"), context.GetArgument<string?>("to"), today,
                        services.GetRequiredService<ScoreboardOptions>(), out var first, out var last) is { } problem)
                {
                    throw new ExecutionError(problem.Message);
                }
                var agency = AccessPolicy.ConfinedTo(context.User!, Operation.ReadScoreboard) ?? context.GetArgument<string?>("agency");
                return await ReadScoreboard.QueryAsync(services.GetRequiredService<IQuerySession>(), services.GetRequiredService<IngestRecords>(),
                    today, agency, first, last, context.CancellationToken);
            });
}

public sealed class AgencyScoreGraphType : ObjectGraphType<AgencyScore>
{
    public AgencyScoreGraphType()
    {
        Name = "AgencyScore";
        Field(a => a.Agency);
        Field(a => a.Due).Description("Periods whose data was due.");
        Field(a => a.OnTime);
        Field(a => a.Late);
        Field(a => a.Missing);
        Field(a => a.OnTimeRate, nullable: true);
        Field(a => a.RowsAccepted);
        Field(a => a.RowsRejected);
        Field(a => a.RequiredCompleteness, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScoreboardLineGraphType>>>>("lines").Resolve(c => c.Source.Lines);
    }
}

public sealed class ScoreboardLineGraphType : ObjectGraphType<ScoreboardLine>
{
    public ScoreboardLineGraphType()
    {
        Name = "ScoreboardLine";
        Field(l => l.Agency);
        Field(l => l.TemplateId);
        Field<NonNullGraphType<StringGraphType>>("period").Description("yyyy-MM").Resolve(c => c.Source.Period.ToString());
        Field<DateOnlyGraphType>("dueDate").Resolve(c => c.Source.DueDate);
        Field<NonNullGraphType<EnumerationGraphType<Timeliness>>>("timeliness").Resolve(c => c.Source.Timeliness);
        Field(l => l.DaysLate, nullable: true);
        Field<DateTimeOffsetGraphType>("firstAcceptedAt").Resolve(c => c.Source.FirstAcceptedAt);
        Field(l => l.Submissions);
        Field(l => l.RowsAccepted);
        Field(l => l.RowsRejected);
        Field(l => l.RequiredCompleteness, nullable: true);
    }
}
