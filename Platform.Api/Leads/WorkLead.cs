using GraphQL;
using GraphQL.Types;
using Marten;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;
using Platform.Comparisons;
using Platform.Comparisons.Leads;
using Platform.Templates.Negotiation;

namespace Platform.Api.Leads;

/// <summary>
/// The lifecycle mutations: an analyst assigns; an officer of the lead's county starts verification, confirms, dismisses
/// and records collection. Each loads the lead's stream, asks its pure decision, appends what it decided with the audit
/// entry in the same transaction, and answers with the lead as it now stands.
/// </summary>
public sealed class WorkLead : IMutationFields
{
    public void AddTo(ObjectGraphType mutation)
    {
        Step(mutation, "assignLead", "Assign an open lead to a tax office (analysts).", Operation.AssignLeads, "lead.assign")
            .Argument<NonNullGraphType<StringGraphType>>("office", "A tax office id (Comparisons:Offices)")
            .ResolveAsync(c => ApplyAsync(c, "lead.assign", (lead, id, actor, now) =>
                new AssignLead(c.GetArgument<string>("office")).Decide(lead, id, actor, c.RequestServices!.GetRequiredService<TaxOffices>(), now)));

        Step(mutation, "startVerification", "Start verifying an assigned lead (officers of its county).", Operation.WorkLeads, "lead.verify")
            .ResolveAsync(c => ApplyAsync(c, "lead.verify", StartVerification.Decide));

        Step(mutation, "confirmLead", "Confirm a lead under verification: tax assessed (late fee computed) or taxpayer registered.",
                Operation.WorkLeads, "lead.confirm")
            .Argument<NonNullGraphType<StringGraphType>>("kind", "tax-assessed or taxpayer-registered")
            .Argument<DecimalGraphType>("tax", "Tax assessed, yuan")
            .Argument<DecimalGraphType>("penalty", "Penalty, yuan")
            .Argument<DateGraphType>("deadline", "The payment deadline the late fee runs from (default: the 15th of the month after the period)")
            .ResolveAsync(c => ApplyAsync(c, "lead.confirm", (lead, id, actor, now) =>
                c.GetArgument<string>("kind") switch
                {
                    "tax-assessed" => new ConfirmLead(Confirmation.TaxAssessed, c.GetArgument("tax", 0m), c.GetArgument("penalty", 0m),
                        c.DateArgument("deadline")).Decide(lead, id, actor, now),
                    "taxpayer-registered" => new ConfirmLead(Confirmation.TaxpayerRegistered, c.GetArgument("tax", 0m), c.GetArgument("penalty", 0m))
                        .Decide(lead, id, actor, now),
                    var other => Decision.Refuse(RefusalKind.Invalid, $"Confirm as tax-assessed or taxpayer-registered, not '{other}'."),
                }));

        Step(mutation, "dismissLead", "Dismiss a lead under verification, saying why (officers of its county).", Operation.WorkLeads, "lead.dismiss")
            .Argument<NonNullGraphType<StringGraphType>>("reason")
            .ResolveAsync(c => ApplyAsync(c, "lead.dismiss", new DismissLead(c.GetArgument<string>("reason")).Decide));

        Step(mutation, "recordCollection", "Record what was paid on a lead confirmed with tax assessed (officers of its county).", Operation.WorkLeads,
                "lead.collect")
            .Argument<NonNullGraphType<DecimalGraphType>>("taxPaid")
            .Argument<DecimalGraphType>("lateFeePaid")
            .Argument<DecimalGraphType>("penaltyPaid")
            .Argument<NonNullGraphType<DateGraphType>>("paidOn")
            .ResolveAsync(c => ApplyAsync(c, "lead.collect", new RecordPayment(c.GetArgument<decimal>("taxPaid"), c.GetArgument("lateFeePaid", 0m),
                c.GetArgument("penaltyPaid", 0m), c.DateArgument("paidOn")!.Value).Decide));
    }

    private static global::GraphQL.Builders.FieldBuilder<object?, Lead> Step(ObjectGraphType mutation, string name, string description, Operation operation,
        string auditOperation) =>
        mutation.Field<NonNullGraphType<LeadGraphType>, Lead>(name)
            .Description($"{description} Audited as {auditOperation}.")
            .RequireAccess(operation)
            .Argument<NonNullGraphType<StringGraphType>>("id", "The lead's id");

    private static async Task<Lead?> ApplyAsync(IResolveFieldContext context, string auditOperation,
        Func<Lead?, string, LeadActor, DateTimeOffset, Decision> decide)
    {
        var services = context.RequestServices!;
        var id = context.GetArgument<string>("id");
        await using var session = services.GetRequiredService<IDocumentStore>().LightweightSession();
        var events = await session.Events.FetchStreamAsync(id, token: context.CancellationToken);
        var current = events.Aggregate((Lead?)null, (lead, e) => Lead.Fold(lead, e.Data));
        // The time in the platform's zone, so that a decision's "today" (a payment's day, a late fee's last day) is the
        // officers' date, as a run's is, not UTC's (a payment made in the morning in Beijing was "after today" until 08:00).
        var now = services.GetRequiredService<ComparisonOptions>().Now(services.GetRequiredService<TimeProvider>());
        var decision = decide(current, id, LeadCaller.ActorOf(context.User!), now);
        if (decision.Refusal is { } refusal)
        {
            throw LeadCaller.Refused(refusal);
        }
        var lead = current!;
        if (decision.Events.Count > 0)
        {
            // The version read: a change by someone else in between fails this one instead of being overwritten.
            session.Events.Append(id, events.Count + decision.Events.Count, [.. decision.Events]);
            services.GetRequiredService<AuditTrail>().Queue(session, services.GetRequiredService<IHttpContextAccessor>().HttpContext!, auditOperation,
                [lead.Subject]);
            await session.SaveChangesAsync(context.CancellationToken);
            lead = decision.Events.Aggregate(lead, (state, e) => state.With(e));
        }
        else
        {
            // Nothing to change (assigning the office it has), but the lead is returned all the same: a read of it.
            await services.GetRequiredService<AuditTrail>().RecordAsync(services.GetRequiredService<IHttpContextAccessor>().HttpContext!,
                ReadLeads.AuditOne, [lead.Subject], 1, null, context.CancellationToken);
        }
        return LeadCaller.AsSeenBy(lead, context.User!, services);
    }
}
