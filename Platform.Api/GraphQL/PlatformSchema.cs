using GraphQL.Types;

namespace Platform.Api.GraphQL;

/// <summary>The one GraphQL schema; each feature adds its fields to <see cref="PlatformQuery"/> through a thin graph type.</summary>
public sealed class PlatformSchema : Schema
{
    public PlatformSchema(IServiceProvider services, PlatformQuery query, PlatformMutation mutation) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Description = "Shared tax-information platform (涉税信息共享平台)";
    }
}
