using System.Security.Claims;
using GraphQL;
using GraphQL.Types;
using Marten;
using Platform.Api.Agencies;
using Platform.Api.Auth;

namespace Platform.Api.GraphQL;

public sealed class PlatformQuery : ObjectGraphType
{
    public PlatformQuery()
    {
        Name = "Query";

        Field<NonNullGraphType<CallerGraphType>>("me")
            .Description("Who the caller is, as the platform sees the token.")
            .Resolve(context => Caller.From(context.User ?? new ClaimsPrincipal()));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgencyGraphType>>>>("agencies")
            .Description("All partner agencies.")
            .ResolveAsync(async context =>
                await ListAgencies.QueryAsync(context.RequestServices!.GetRequiredService<IQuerySession>(), context.CancellationToken));

        Field<AgencyGraphType>("agency")
            .Description("One partner agency by its code, or null.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async context => await context.RequestServices!.GetRequiredService<IQuerySession>()
                .LoadAsync<Agency>(context.GetArgument<string>("id"), context.CancellationToken));
    }
}

public sealed class CallerGraphType : ObjectGraphType<Caller>
{
    public CallerGraphType()
    {
        Name = "Caller";
        Field(c => c.ClientId);
        Field(c => c.Name);
        Field(c => c.Role);
        Field(c => c.Agency, nullable: true);
        Field(c => c.Scopes);
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
