using GraphQL;
using GraphQL.Types;
using OpenIddict.Abstractions;
using Platform.Api.Access;
using Platform.Api.GraphQL;
using Platform.Api.Leads;
using Platform.Comparisons.Runs;
using Platform.Templates.Negotiation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Runs;

/// <summary><c>runRule(rule:, asOf:)</c>: an analyst runs a rule now; the answer is the run with its counts.</summary>
public sealed class RunRule : IMutationFields
{
    public void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<RuleRunGraphType>>("runRule")
            .Description("Run a comparison rule now: its candidates are merged with its leads (raised, updated, closed as corrected).")
            .RequireAccess(Operation.RunRules)
            .Argument<NonNullGraphType<StringGraphType>>("rule", "The rule's id, such as registry-unregistered")
            .Argument<DateGraphType>("asOf", "The day the run is as of (default: today in Comparisons:TimeZone)")
            .ResolveAsync(async context =>
            {
                try
                {
                    return await context.RequestServices!.GetRequiredService<RuleRunner>().RunAsync(context.GetArgument<string>("rule"),
                        context.DateArgument("asOf"), RunTrigger.OnDemand, context.User!.GetClaim(Claims.Subject) ?? "", context.CancellationToken);
                }
                catch (RunRefusedException refused)
                {
                    throw LeadCaller.Refused(new Refusal(refused.Kind, refused.Message));
                }
            });
}
