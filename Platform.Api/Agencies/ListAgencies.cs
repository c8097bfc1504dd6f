using Platform.Api.Access;
using Marten;

namespace Platform.Api.Agencies;

public static class ListAgencies
{
    public static Task<IReadOnlyList<Agency>> QueryAsync(IQuerySession session, CancellationToken ct) =>
        session.Query<Agency>().OrderBy(a => a.Id).ToListAsync(ct);

    public static void MapListAgencies(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/agencies", (IQuerySession session, CancellationToken ct) => QueryAsync(session, ct))
            .RequireAccess(Operation.ListAgencies)
            .WithTags("Agencies")
            .WithSummary("All partner agencies")
            .Produces<IReadOnlyList<Agency>>();
}
