using GraphQL;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.GraphQL;
using Platform.Api.Quality;
using Platform.Ingest.Quality;
using Platform.Reporting;
using Platform.Templates.Checks;

namespace Platform.Api.Reporting;

/// <summary>
/// <c>controlResults</c> (控管成果): the leadership's figures by tax period, county, agency and rule, read from the
/// cubes the async projection keeps (never a taxpayer row). An agency reads what its own data achieved; a person bound
/// to a district reads that district's leads.
/// </summary>
public sealed class ControlResultsFields : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ControlResultsGraphType>>("controlResults")
            .Description("Records received and accepted, leads raised and worked, tax assessed and collected, by tax period (所属期), county, agency and rule.")
            .RequireAccess(Operation.ReadControlResults)
            .Argument<StringGraphType>("from", "First tax period, yyyy-MM (default: twelve months ago)")
            .Argument<StringGraphType>("to", "Last tax period, yyyy-MM (default: last month)")
            .Argument<StringGraphType>("county", "A GB/T 2260 prefix: 511302 one district, 5113 the city")
            .Argument<StringGraphType>("agency", "Leads this agency's records contributed to, and its submissions")
            .Argument<StringGraphType>("rule", "One rule's leads")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                var today = DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
                if (ReadScoreboard.CheckRange(context.GetArgument<string?>("from"), context.GetArgument<string?>("to"), today,
                        services.GetRequiredService<ScoreboardOptions>(), out var first, out var last) is { } problem)
                {
                    throw new ExecutionError(problem.Message) { Code = "INVALID_ARGUMENT" };
                }
                var county = context.GetArgument<string?>("county");
                if (county is not null && (county.Length is < 2 or > 6 || !county.All(char.IsAsciiDigit)))
                {
                    throw new ExecutionError($"Give county as two to six digits of a GB/T 2260 code (511302), not '{county}'.") { Code = "INVALID_ARGUMENT" };
                }
                if (AccessPolicy.JurisdictionOf(context.User!) is { } jurisdiction)
                {
                    if (county is not null && !SubjectDivision.IsWithin(county.PadRight(6, '0'), jurisdiction) && !jurisdiction.StartsWith(county, StringComparison.Ordinal))
                    {
                        throw new ExecutionError($"Your jurisdiction is {jurisdiction}; ask for a county within it.") { Code = "FORBIDDEN" };
                    }
                    county = county is null || county.Length < jurisdiction.Length ? jurisdiction : county;
                }
                var agency = AccessPolicy.ConfinedTo(context.User!, Operation.ReadControlResults) ?? context.GetArgument<string?>("agency");
                return await services.GetRequiredService<ResultsReader>().ReadAsync(
                    new ResultsFilter(first.ToString(), last.ToString(), county, agency, context.GetArgument<string?>("rule")), context.CancellationToken);
            });
}

public sealed class ControlResultsGraphType : ObjectGraphType<ControlResults>
{
    public ControlResultsGraphType()
    {
        Name = "ControlResults";
        Field<NonNullGraphType<StringGraphType>>("from").Description("yyyy-MM").Resolve(c => c.Source.Filter.From);
        Field<NonNullGraphType<StringGraphType>>("to").Description("yyyy-MM").Resolve(c => c.Source.Filter.To);
        Field<StringGraphType>("county").Resolve(c => c.Source.Filter.County);
        Field<StringGraphType>("agency").Resolve(c => c.Source.Filter.Agency);
        Field<StringGraphType>("rule").Resolve(c => c.Source.Filter.Rule);
        Field<NonNullGraphType<ResultFiguresGraphType>>("headline").Resolve(c => c.Source.Headline);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResultFiguresGraphType>>>>("byMonth")
            .Description("Every month of the range, in order, zeros included.").Resolve(c => c.Source.ByMonth);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResultFiguresGraphType>>>>("byCounty").Resolve(c => c.Source.ByCounty);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResultFiguresGraphType>>>>("byAgency")
            .Description("Per agency: its submissions, and the leads its records contributed to (a lead counts for each agency it cites).")
            .Resolve(c => c.Source.ByAgency);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResultFiguresGraphType>>>>("byRule").Resolve(c => c.Source.ByRule);
    }
}

public sealed class ResultFiguresGraphType : ObjectGraphType<ResultFigures>
{
    public ResultFiguresGraphType()
    {
        Name = "ResultFigures";
        Field(f => f.Key).Description("The month, county, agency or rule of this row; empty for the headline.");
        Field(f => f.Submissions);
        Field(f => f.SubmissionsAccepted);
        Field(f => f.SubmissionsRejected);
        Field(f => f.RecordsReceived);
        Field(f => f.RecordsAccepted);
        Field(f => f.RecordsRejected);
        Field(f => f.LeadsRaised);
        Field(f => f.LeadsOpen);
        Field(f => f.LeadsConfirmed);
        Field(f => f.LeadsDismissed);
        Field(f => f.LeadsCollected);
        Field(f => f.LeadsClosedAsCorrected);
        Field(f => f.UnregisteredFound).Description("Leads of registry-unregistered: businesses found trading without a tax registration.");
        Field(f => f.UnregisteredRegistered).Description("Of those, confirmed as registered since.");
        Field(f => f.TaxAssessed);
        Field(f => f.LateFeesAssessed);
        Field(f => f.PenaltiesAssessed);
        Field(f => f.TaxCollected);
        Field(f => f.LateFeesCollected);
        Field(f => f.PenaltiesCollected);
        Field(f => f.AmountAtRiskOpen).Description("Tax at risk in leads still open.");
        Field(f => f.AverageDaysToClose, nullable: true).Description("From raised to confirmed or dismissed, over the leads closed.");
    }
}
