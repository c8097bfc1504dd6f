using Platform.Api.Access;
using System.Security.Claims;
using Marten;
using Platform.Api.Hosting;
using Platform.Templates.Negotiation;
using Platform.Templates.Schema;

namespace Platform.Api.Templates;

/// <summary>What reading one template version needs from the request.</summary>
public sealed record TemplateReader(IQuerySession Session, ClaimsPrincipal User, CancellationToken Cancellation)
{
    public async Task<IResult> WithVersion(string id, int version, Func<Template, TemplateVersion, IResult> respond)
    {
        var template = await ReadTemplates.FindAsync(Session, User, id, Cancellation);
        if (template is null)
        {
            return ReadTemplates.NotFound(id);
        }
        return template.Version(version) is { } found ? respond(template, found) : ReadTemplates.NotFound(id, version);
    }
}

/// <summary>Templates as everyone reads them. An agency sees only its own templates; the bureau's roles see all.</summary>
public static class ReadTemplates
{
    public static async Task<IReadOnlyList<Template>> ListAsync(IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var agency = AccessPolicy.ConfinedTo(user, Operation.ReadTemplates);
        var query = session.Query<Template>();
        return agency is null
            ? await query.OrderBy(t => t.Id).ToListAsync(ct)
            : await query.Where(t => t.Agency == agency).OrderBy(t => t.Id).ToListAsync(ct);
    }

    /// <summary>The template, or null when it does not exist or the caller's agency may not see it.</summary>
    public static async Task<Template?> FindAsync(IQuerySession session, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var template = await session.LoadAsync<Template>(id, ct);
        var agency = AccessPolicy.ConfinedTo(user, Operation.ReadTemplates);
        return template is not null && (agency is null || agency == template.Agency) ? template : null;
    }

    public static void MapReadTemplates(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Templates").RequireAccess(Operation.ReadTemplates);

        templates.MapGet("", async (IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
                (await ListAsync(session, user, ct)).Select(TemplateView.From).ToList())
            .WithSummary("Templates the caller may see, with their versions and statuses")
            .Produces<List<TemplateView>>();

        templates.MapGet("/{id}", async (string id, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
                await FindAsync(session, user, id, ct) is { } template ? Results.Ok(TemplateView.From(template)) : NotFound(id))
            .WithSummary("One template with every version, its fields and its negotiation history")
            .Produces<TemplateView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var version = templates.MapGroup("/{id}/versions/{version:int}");
        version.MapCheckFile();

        version.MapGet("/table-schema", (string id, int version, [AsParameters] TemplateReader reader) =>
                reader.WithVersion(id, version, (t, v) => Results.Text(
                    TableSchemaJson.Write(v.Schema, new TemplateDescriptor(t.Id, t.Agency, t.Kind, t.Title, t.TitleEn, v.Version)),
                    "application/json", System.Text.Encoding.UTF8)))
            .WithSummary("A version as Frictionless Table Schema JSON (platform keys under x-platform)")
            .Produces<string>(contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        version.MapGet("/header.csv", (string id, int version, [AsParameters] TemplateReader reader) =>
                reader.WithVersion(id, version, (t, v) => Csv(ExampleFile.HeaderCsv(v.Schema), $"{t.Id}-v{v.Version}-header.csv")))
            .WithSummary("The CSV header a file for this version must have")
            .Produces<string>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        version.MapGet("/example.csv", (string id, int version, [AsParameters] TemplateReader reader, TimeProvider time) =>
                reader.WithVersion(id, version, (t, v) => Csv(ExampleFile.ExampleCsv(v.Schema, ExampleFile.PeriodFor(v.Schema.Schedule, time.GetUtcNow())),
                    $"{t.Id}-v{v.Version}-example.csv")))
            .WithSummary("An example file valid against this version, to open in Excel")
            .Produces<string>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        version.MapGet("/example.xlsx", (string id, int version, [AsParameters] TemplateReader reader, TimeProvider time) =>
                reader.WithVersion(id, version, (t, v) => Spreadsheets.Xlsx(t.Title,
                    [[.. v.Schema.Fields.Select(f => f.Title)], [.. ExampleFile.ExampleRow(v.Schema, ExampleFile.PeriodFor(v.Schema.Schedule, time.GetUtcNow()))]],
                    $"{t.Id}-v{v.Version}-example.xlsx")))
            .WithSummary("The same example as an Excel workbook: Chinese column titles, every cell as text (codes keep their digits)")
            .Produces<byte[]>(contentType: Spreadsheets.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        version.MapGet("/diff", (string id, int version, int from, [AsParameters] TemplateReader reader) =>
                reader.WithVersion(id, version, (t, v) => t.Version(from) is { } older
                    ? Results.Ok(TemplateDiff.Between(older.Schema, v.Schema))
                    : NotFound(id, from)))
            .WithSummary("What this version changes compared with version 'from': fields added, removed and changed")
            .Produces<TemplateDiff>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Csv(string csv, string fileName) =>
        Results.File(ExampleFile.Bytes(csv), "text/csv; charset=utf-8", fileName);

    public static IResult NotFound(string id, int? version = null) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Template not found",
        detail: version is null ? $"There is no template '{id}' that you may see." : $"Template '{id}' has no version {version}.");
}
