using Platform.Api.Access;
using GraphQL;
using GraphQL.Types;
using Marten;
using Platform.Api.GraphQL;

namespace Platform.Api.Agencies;

public sealed class AgencyQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgencyGraphType>>>>("agencies")
            .Description("All partner agencies.")
            .RequireAccess(Operation.ListAgencies)
            .ResolveAsync(async context =>
                await ListAgencies.QueryAsync(context.RequestServices!.GetRequiredService<IQuerySession>(), context.CancellationToken));

        query.Field<AgencyGraphType>("agency")
            .Description("One partner agency by its code, or null.")
            .RequireAccess(Operation.ListAgencies)
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async context => await context.RequestServices!.GetRequiredService<IQuerySession>()
                .LoadAsync<Agency>(context.GetArgument<string>("id"), context.CancellationToken));
    }
}

public sealed class AgencyGraphType : ObjectGraphType<Agency>
{
    public AgencyGraphType()
    {
        Name = "Agency";
        Description = "A partner agency (协作部门) that sends data to the tax bureau.";
        Field(a => a.Id).Description("Stable short code, such as market-regulator.");
        Field(a => a.Name).Description("Chinese name.");
        Field(a => a.NameEn).Description("English name.");
    }
}
