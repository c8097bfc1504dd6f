using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.GraphQL;
using Platform.Api.Paging;
using Platform.Comparisons;
using Platform.Comparisons.Runs;

namespace Platform.Api.Runs;

/// <summary><c>ruleRuns(rule:, first:)</c>: the record of runs, newest first.</summary>
public sealed class ReadRuleRuns : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RuleRunGraphType>>>>("ruleRuns")
            .Description("Runs of the comparison rules, newest first: when, data as of when, leads raised, updated, closed and unchanged.")
            .RequireAccess(Operation.RunRules)
            .Argument<StringGraphType>("rule", "Only this rule's runs")
            .Argument<IntGraphType>("first", "How many (default 20, at most Comparisons:MaxRunsListed)")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                var first = context.GetArgument("first", 20);
                var bounds = new PageBounds(20, services.GetRequiredService<ComparisonOptions>().MaxRunsListed, "Comparisons:MaxRunsListed", "runs");
                if (bounds.RefuseFirst(first) is { } refused)
                {
                    throw new ExecutionError(refused) { Code = "INVALID" };
                }
                return await services.GetRequiredService<RuleRunReader>().ListAsync(context.GetArgument<string?>("rule"), first, context.CancellationToken);
            });
}

public sealed class RuleRunGraphType : ObjectGraphType<RuleRun>
{
    public RuleRunGraphType()
    {
        Name = "RuleRun";
        Field(r => r.Id);
        Field(r => r.Rule);
        Field(r => r.RuleVersion);
        Field<NonNullGraphType<StringGraphType>>("parameters").Description("The rule's parameters for this run, as JSON.")
            .Resolve(c => c.Source.Parameters.GetRawText());
        Field<NonNullGraphType<DateGraphType>>("asOf").Resolve(c => c.Source.AsOf.AsDate());
        Field<NonNullGraphType<StringGraphType>>("trigger").Description("on-demand, schedule or acceptance.")
            .Resolve(c => JsonNamingPolicy.KebabCaseLower.ConvertName(c.Source.Trigger.ToString()));
        Field(r => r.By);
        Field(r => r.StartedAt);
        Field<NonNullGraphType<StringGraphType>>("status").Description("running, completed or failed (a failed run changed nothing).")
            .Resolve(c => JsonNamingPolicy.KebabCaseLower.ConvertName(c.Source.Status.ToString()));
        Field(r => r.FinishedAt, nullable: true).Description("When the run ended; null while it is running.");
        Field(r => r.Failure, nullable: true).Description("Why a failed run failed.");
        Field(r => r.DataAsOf, nullable: true).Description("The latest acceptance of a submission of the templates the rule reads.");
        Field(r => r.Candidates);
        Field(r => r.Raised);
        Field(r => r.Updated);
        Field(r => r.Closed);
        Field(r => r.Unchanged);
    }
}
