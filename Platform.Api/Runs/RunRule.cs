using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Platform.Api.Access;
using Platform.Api.Audit;
using Platform.Api.GraphQL;
using Platform.Api.Hosting;
using Platform.Api.Leads;
using Platform.Comparisons.Runs;
using Platform.Templates.Negotiation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Api.Runs;

/// <summary>
/// <c>runRule(rule:, asOf:, wait:)</c>: an analyst runs a rule now; the answer is the run with its counts, or, for a run
/// that takes longer than <c>Comparisons:RunWait</c> (or with <c>wait: false</c>), the run still going (status
/// running), which goes on without the request and shows in <c>ruleRuns</c> when done.
/// </summary>
public sealed class RunRule : IMutationFields
{
    public const string AuditOperation = "rule.run";

    public void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<RuleRunGraphType>>("runRule")
            .Description("Run a comparison rule now: its candidates are merged with its leads (raised, updated, closed as corrected). " +
                         "A run that outlasts Comparisons:RunWait goes on in the background and is answered with status running; ruleRuns shows it done.")
            .RequireAccess(Operation.RunRules)
            .Argument<NonNullGraphType<StringGraphType>>("rule", "The rule's id, such as registry-unregistered")
            .Argument<DateGraphType>("asOf", "The day the run is as of (default: today in Comparisons:TimeZone)")
            .Argument<BooleanGraphType>("wait", "Wait for the run, up to Comparisons:RunWait (default true); false answers at once with the run under way",
                argument => argument.DefaultValue = true)
            .ResolveAsync(async context =>
            {
                var city = context.RequestServices!.GetRequiredService<IOptions<PlatformOptions>>().Value.Division;
                if (!AccessPolicy.CoversCity(context.User!, city))
                {
                    throw LeadCaller.Refused(new Refusal(RefusalKind.Forbidden,
                        $"A run merges the rule's leads of the whole city ({city}), closing those whose evidence is gone; your jurisdiction is " +
                        $"{AccessPolicy.JurisdictionOf(context.User!)}. Ask an analyst of the city to run it, or read your county's leads with leads(county:)."));
                }
                try
                {
                    var run = await context.RequestServices!.GetRequiredService<OnDemandRuns>().RunAsync(context.GetArgument<string>("rule"),
                        context.DateArgument("asOf"), context.User!.GetClaim(Claims.Subject) ?? "", context.GetArgument("wait", true), context.CancellationToken);
                    // A run changes the leads of the whole city (raised, updated, closed): the trail says who set one off; its
                    // counts are in ruleRuns.
                    await context.RequestServices!.GetRequiredService<AuditTrail>().RecordAsync(
                        AuditActor.From(context.User!, context.RequestServices!.GetRequiredService<IHttpContextAccessor>().HttpContext), AuditOperation,
                        [run.Rule, run.Id], null, null, CancellationToken.None);
                    return run;
                }
                catch (RunRefusedException refused)
                {
                    throw LeadCaller.Refused(new Refusal(refused.Kind, refused.Message));
                }
            });
}
