using Platform.Api.Access;
using System.Text.RegularExpressions;
using Marten;
using JasperFx;
using Platform.Api.Audit;

namespace Platform.Api.Agencies;

/// <summary>An administrator registers a partner agency.</summary>
public sealed partial record RegisterAgency(string Id, string Name, string NameEn)
{
    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex IdPattern();

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (!IdPattern().IsMatch(Id ?? ""))
        {
            errors[nameof(Id)] = ["Use 2 to 40 lower-case letters, digits or hyphens, starting with a letter, such as 'tax-bureau'."];
        }
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors[nameof(Name)] = ["Give the agency's Chinese name, such as '市场监督管理局'."];
        }
        if (string.IsNullOrWhiteSpace(NameEn))
        {
            errors[nameof(NameEn)] = ["Give the agency's English name."];
        }
        return errors;
    }
}

public static class RegisterAgencyEndpoint
{
    public static void MapRegisterAgency(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/agencies", Handle)
            .RequireAccess(Operation.ManageAgencies)
            .WithTags("Agencies")
            .WithSummary("Register a partner agency (administrators)")
            .Produces<Agency>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> Handle(RegisterAgency command, IDocumentSession session, AuditTrail audit, HttpContext http, CancellationToken ct)
    {
        var errors = command.Validate();
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }
        var agency = new Agency(command.Id, command.Name.Trim(), command.NameEn.Trim());
        session.Insert(agency);
        audit.Queue(session, http, "agency.register", [agency.Id]);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (DocumentAlreadyExistsException)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Agency already registered",
                detail: $"An agency with id '{command.Id}' exists; choose another id.");
        }
        return Results.Created($"/api/agencies/{agency.Id}", agency);
    }
}
