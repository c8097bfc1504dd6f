using Platform.Api.Access;
using GraphQL;
using GraphQL.Types;
using Platform.Api.GraphQL;

namespace Platform.Api.Audit;

/// <summary>
/// Administrators query the audit trail by actor, subject and time, newest first. Reading the trail is not itself
/// audited: it holds who read what, not taxpayers' data, and auditing it would chain an entry per look at the chain.
/// </summary>
public static class ReadAuditTrail
{
    public const int DefaultLimit = 100;

    public static void MapReadAuditTrail(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit", (string? actor, string? subject, DateTimeOffset? from, DateTimeOffset? to, int? limit, AuditTrail audit,
                CancellationToken ct) => audit.QueryAsync(actor, subject, from, to, limit ?? DefaultLimit, ct))
            .RequireAccess(Operation.ReadAuditTrail)
            .WithTags("Audit")
            .WithSummary("The audit trail, newest first (administrators): filter by actor (client id), subject (taxpayer or submission " +
                         "id), time from (inclusive) and to (exclusive); at most 'limit' entries (default 100, at most Audit:MaxQueryLimit)")
            .Produces<List<AuditEntry>>();
}

public sealed class AuditQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditEntryGraphType>>>>("auditTrail")
            .Description("The audit trail, newest first (administrators only); the same filters and bounds as GET /api/audit.")
            .RequireAccess(Operation.ReadAuditTrail)
            .Argument<StringGraphType>("actor", "A client id")
            .Argument<StringGraphType>("subject", "A taxpayer's subject key or a submission id")
            .Argument<DateTimeOffsetGraphType>("from", "Entries at or after this time")
            .Argument<DateTimeOffsetGraphType>("to", "Entries before this time")
            .Argument<IntGraphType>("limit", "At most this many entries (default 100)")
            .ResolveAsync(async context =>
            {
                return await context.RequestServices!.GetRequiredService<AuditTrail>().QueryAsync(context.GetArgument<string?>("actor"),
                    context.GetArgument<string?>("subject"), context.GetArgument<DateTimeOffset?>("from"), context.GetArgument<DateTimeOffset?>("to"),
                    context.GetArgument<int?>("limit") ?? ReadAuditTrail.DefaultLimit, context.CancellationToken);
            });
}

public sealed class AuditEntryGraphType : ObjectGraphType<AuditEntry>
{
    public AuditEntryGraphType()
    {
        Name = "AuditEntry";
        Field(e => e.Seq);
        Field(e => e.At);
        Field(e => e.Actor).Description("The client id of the token.");
        Field(e => e.Role);
        Field(e => e.Agency, nullable: true);
        Field(e => e.Address, nullable: true).Description("The remote address of the request.");
        Field(e => e.Operation);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("subjects").Resolve(c => c.Source.Subjects);
        Field(e => e.RowCount, nullable: true);
        Field(e => e.Purpose, nullable: true);
        Field(e => e.PrevDigest);
        Field(e => e.Digest);
    }
}
