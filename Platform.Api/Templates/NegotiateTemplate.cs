using Platform.Api.Hosting;
using Platform.Api.Access;
using System.Security.Claims;
using System.Text.Json.Nodes;
using JasperFx;
using Marten;
using Platform.Api.Agencies;
using Platform.Api.Audit;
using Platform.Api.Auth;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Api.Templates;

public sealed record DraftTemplateRequest(string Id, string Agency, string Kind, string Title, string TitleEn, JsonObject TableSchema, string? Comment);

public sealed record SchemaChangeRequest(JsonObject TableSchema, string Comment);

public sealed record ReasonRequest(string Reason);

/// <summary>What every negotiation step needs from the request: the session, the caller, the clock, the audit trail.</summary>
public sealed record NegotiationContext(IDocumentSession Session, ClaimsPrincipal User, TimeProvider Time, AuditTrail Audit, HttpContext Http,
    CancellationToken Cancellation)
{
    /// <summary>
    /// Loads the stream, decides, appends, and audits the step as <c>template.{step}</c> in the same transaction. Shared by
    /// every step so that each reads as its rule alone.
    /// </summary>
    public async Task<IResult> RunAsync(string id, string step, Func<Template?, Actor, DateTimeOffset, Decision> decide, bool created = false)
    {
        if (User.Actor() is not { } actor)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not a negotiating party",
                detail: "Only an agency or the bureau's analysts and administrators negotiate templates.");
        }
        var stream = await Session.Events.FetchForWriting<Template>(id, Cancellation);
        // A template that is not there, or not the caller's to see, is answered alike before anything of the request is
        // looked at: a step that checked its body first told a missing template (400) from another agency's (404).
        if (stream.Aggregate is { } existing ? !AccessPolicy.Admits(User, Operation.NegotiateTemplates, existing.Agency) : !created)
        {
            return ReadTemplates.NotFound(id);
        }
        var decision = decide(stream.Aggregate, actor, Time.GetUtcNow());
        if (decision.Refusal is { } refusal)
        {
            return NegotiateTemplate.Refused(refusal);
        }
        stream.AppendMany(decision.Events);
        Audit.Queue(Session, Http, $"template.{step}", [id]);
        try
        {
            await Session.SaveChangesAsync(Cancellation);
        }
        catch (Exception e) when (e is ConcurrencyException or JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Changed meanwhile",
                detail: $"Template '{id}' was changed by someone else at the same moment; reload it and try again.");
        }
        var template = TemplateView.From((await Session.LoadAsync<Template>(id, Cancellation))!);
        return created ? Results.Created($"/api/templates/{id}", template) : Results.Ok(template);
    }
}

/// <summary>
/// The negotiation steps over REST. Each loads the template's stream, asks the pure decision, and appends its events
/// with optimistic concurrency; a refused step is a problem detail saying why.
/// </summary>
public static class NegotiateTemplate
{
    public static void MapNegotiateTemplate(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Template negotiation").RequireBodyFields();

        templates.MapPost("", async (DraftTemplateRequest request, [AsParameters] NegotiationContext step) =>
            {
                if (await step.Session.LoadAsync<Agency>(request.Agency, step.Cancellation) is null)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown agency",
                        detail: $"There is no agency '{request.Agency}'; register it first or use one of GET /api/agencies.");
                }
                return await step.RunAsync(request.Id, "draft", (t, a, now) => WithSchema(request.TableSchema,
                    schema => new DraftTemplate(request.Id, request.Agency, request.Kind, request.Title, request.TitleEn, schema, request.Comment)
                        .Decide(t, a, now)), created: true);
            })
            .RequireAccess(Operation.DraftTemplates)
            .WithSummary("Draft a new template for an agency (the bureau); version 1 starts drafted");

        templates.MapPost("/{id}/versions", (string id, SchemaChangeRequest request, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "open-version", (t, a, now) => WithSchema(request.TableSchema,
                    schema => new OpenTemplateVersion(schema, request.Comment).Decide(t, id, a, now))))
            .RequireAccess(Operation.DraftTemplates)
            .WithSummary("Open a new version of an active template (the bureau); the active one keeps accepting submissions");

        var version = templates.MapGroup("/{id}/versions/{version:int}");

        version.MapPost("/revise", (string id, int version, SchemaChangeRequest request, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "revise", (t, a, now) => WithSchema(request.TableSchema,
                    schema => new ReviseTemplate(version, schema, request.Comment).Decide(t, id, a, now))))
            .RequireAccess(Operation.NegotiateTemplates)
            .WithSummary("Revise a version under negotiation, saying why; agreement so far is void");

        version.MapPost("/propose", (string id, int version, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "propose", (t, a, now) => new ProposeTemplate(version).Decide(t, id, a, now)))
            .RequireAccess(Operation.DraftTemplates)
            .WithSummary("Propose a drafted version to the agency (the bureau)");

        version.MapPost("/agree", (string id, int version, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "agree", (t, a, now) => new AgreeToTemplate(version).Decide(t, id, a, now)))
            .RequireAccess(Operation.NegotiateTemplates)
            .WithSummary("Agree to a version: first the template's agency, then the bureau");

        version.MapPost("/decline", (string id, int version, ReasonRequest request, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "decline", (t, a, now) => new DeclineTemplate(version, request.Reason).Decide(t, id, a, now)))
            .RequireAccess(Operation.NegotiateTemplates)
            .WithSummary("Decline a proposed or agreed version with a reason; it returns to draft");

        version.MapPost("/activate", (string id, int version, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "activate", (t, a, now) => new ActivateTemplate(version).Decide(t, id, a, now)))
            .RequireAccess(Operation.DraftTemplates)
            .WithSummary("Activate a version both sides agreed (the bureau); the previous active version is superseded");

        version.MapPost("/retire", (string id, int version, ReasonRequest request, [AsParameters] NegotiationContext step) =>
                step.RunAsync(id, "retire", (t, a, now) => new RetireTemplateVersion(version, request.Reason).Decide(t, id, a, now)))
            .RequireAccess(Operation.DraftTemplates)
            .WithSummary("Retire an active or superseded version (the bureau); its past submissions stay readable");
    }

    private static Decision WithSchema(JsonObject tableSchema, Func<TemplateSchema, Decision> decide)
    {
        try
        {
            return decide(TableSchemaJson.Read(tableSchema));
        }
        catch (TableSchemaException e)
        {
            return Decision.Refuse(RefusalKind.Invalid, e.Message);
        }
    }

    internal static IResult Refused(Refusal refusal) => Results.Problem(
        statusCode: refusal.Kind switch
        {
            RefusalKind.NotFound => StatusCodes.Status404NotFound,
            RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
            RefusalKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        title: refusal.Kind switch
        {
            RefusalKind.NotFound => "Template not found",
            RefusalKind.Forbidden => "Not allowed to take this step",
            RefusalKind.Conflict => "Step not allowed now",
            _ => "Template is not valid",
        },
        detail: refusal.Message);
}
