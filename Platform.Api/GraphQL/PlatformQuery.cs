using Platform.Api.Access;
using System.Security.Claims;
using GraphQL.Types;
using Platform.Api.Auth;

namespace Platform.Api.GraphQL;

public sealed class PlatformQuery : ObjectGraphType
{
    public PlatformQuery(IEnumerable<IQueryFields> features)
    {
        Name = "Query";

        Field<NonNullGraphType<CallerGraphType>>("me")
            .Description("Who the caller is, as the platform sees the token.")
            .RequireAccess(Operation.ReadSelf)
            .Resolve(context => Caller.From(context.User ?? new ClaimsPrincipal()));

        foreach (var feature in features)
        {
            feature.AddTo(this);
        }
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
