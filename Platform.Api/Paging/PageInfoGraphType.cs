using GraphQL.Types;

namespace Platform.Api.Paging;

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field(p => p.HasNextPage);
        Field(p => p.EndCursor, nullable: true);
    }
}
