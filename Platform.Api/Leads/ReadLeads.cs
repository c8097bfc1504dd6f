using GraphQL;
using GraphQL.Types;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;
using Platform.Comparisons.Leads;
using Platform.Templates.Schema;

namespace Platform.Api.Leads;

/// <summary>
/// <c>leads</c> and <c>lead(id:)</c>: pages of the leads in the caller's reach (an analyst's jurisdiction, an officer's
/// county or office), suppliers masked for officers. Every read is audited with the subjects and the rows returned
/// before anything is returned; when the audit cannot be written, nothing is.
/// </summary>
public sealed class ReadLeads : IQueryFields
{
    public const string AuditPage = "leads.read", AuditOne = "lead.read";

    public void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<LeadPageGraphType>>("leads")
            .Description("Leads in your reach, oldest first, a page at a time; every read is audited.")
            .RequireAccess(Operation.ReadLeads)
            .Argument<StringGraphType>("rule", "A rule id, such as registry-unregistered")
            .Argument<StringGraphType>("status", "raised, assigned, under-verification, confirmed, dismissed, collected or closed-as-corrected")
            .Argument<StringGraphType>("county", "A GB/T 2260 division or prefix (511302, or 5113 for the city)")
            .Argument<StringGraphType>("period", "yyyy-MM")
            .PagesLeads()
            .ResolveAsync(async context =>
            {
                var status = context.GetArgument<string?>("status");
                var period = context.GetArgument<string?>("period");
                if (status is not null && LeadStatuses.Parse(status) is null)
                {
                    throw new ExecutionError($"There is no lead status '{status}'.") { Code = "INVALID" };
                }
                if (period is not null && !Period.TryParse(period, out _))
                {
                    throw new ExecutionError(Period.Expected) { Code = "INVALID" };
                }
                var filter = new LeadFilter(context.GetArgument<string?>("rule"), LeadStatuses.Parse(status), context.GetArgument<string?>("county"), period);
                return await LeadPaging.ReadAsync(context, filter, leads => AuditAsync(context, AuditPage, leads));
            });

        query.Field<LeadGraphType>("lead")
            .Description("One lead, if it is in your reach; the read is audited.")
            .RequireAccess(Operation.ReadLeads)
            .Argument<NonNullGraphType<StringGraphType>>("id")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                var lead = await services.GetRequiredService<LeadReader>().FindAsync(context.GetArgument<string>("id"), context.CancellationToken);
                if (lead is null || !LeadCaller.ActorOf(context.User!).Reaches(lead))
                {
                    return null;
                }
                await AuditAsync(context, AuditOne, [lead]);
                return LeadCaller.AsSeenBy(lead, context.User!, services);
            });
    }

    private static Task AuditAsync(IResolveFieldContext context, string operation, IReadOnlyList<Lead> leads) =>
        context.RequestServices!.GetRequiredService<AuditTrail>().RecordAsync(
            AuditActor.From(context.User!, context.RequestServices!.GetRequiredService<IHttpContextAccessor>().HttpContext), operation,
            [.. leads.Select(l => l.Subject).Distinct()], leads.Count, null, context.CancellationToken);
}
