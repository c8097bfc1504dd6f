using System.Security.Claims;
using GraphQL;
using GraphQL.Builders;
using OpenIddict.Abstractions;
using Platform.Api.Auth;
using Platform.Templates.Checks;

namespace Platform.Api.Access;

/// <summary>What a caller asks to do. Every REST endpoint and every GraphQL query field names one.</summary>
public enum Operation
{
    /// <summary>Who the caller is (its own token).</summary>
    ReadSelf,

    /// <summary>The list of partner agencies (names and codes, no taxpayer data).</summary>
    ListAgencies,

    /// <summary>Register agencies, issue and revoke their clients' credentials.</summary>
    ManageAgencies,

    /// <summary>Templates and their versions, schemas, examples and history.</summary>
    ReadTemplates,

    /// <summary>Draft a template, open a version, propose, activate, retire: the bureau's negotiation steps.</summary>
    DraftTemplates,

    /// <summary>Revise, agree or decline a version: the steps either side takes.</summary>
    NegotiateTemplates,

    /// <summary>Send a file for a template, or check one before sending.</summary>
    SubmitFiles,

    /// <summary>Receipts: status, counts and timings of submissions (no cell values).</summary>
    ReadReceipts,

    /// <summary>A submission's file as received: taxpayer rows.</summary>
    ReadRawFiles,

    /// <summary>A submission's error report: row numbers with cell values.</summary>
    ReadErrorReports,

    /// <summary>Timeliness and quality per agency, template and period: aggregates.</summary>
    ReadScoreboard,

    /// <summary>The one-household file: every record about one taxpayer.</summary>
    ReadTaxpayerFiles,

    /// <summary>The audit trail: who read what, when and why.</summary>
    ReadAuditTrail,

    /// <summary>People who sign in: add, list, lock, unlock, remove, reset a password, grant a data role.</summary>
    ManagePeople,

    /// <summary>Run a comparison rule now, and read the record of runs (counts, no taxpayer rows).</summary>
    RunRules,

    /// <summary>Leads with their evidence and history: taxpayer-level, every read audited.</summary>
    ReadLeads,

    /// <summary>Assign a lead to a tax office.</summary>
    AssignLeads,

    /// <summary>Verify a lead and record its outcome: start verification, confirm, dismiss, record collection.</summary>
    WorkLeads,

    /// <summary>Control results (控管成果): aggregates of records and leads, never a taxpayer row.</summary>
    ReadControlResults,

    /// <summary>Check an invoice's authenticity (发票查验) against the bureau's invoices: one at a time or a batch; each lookup audited.</summary>
    VerifyInvoices,
}

/// <summary>How far an operation reaches for a role; <see cref="None"/> refuses it.</summary>
public enum Reach
{
    None,

    /// <summary>The caller's own agency's templates, submissions and record only.</summary>
    OwnAgency,

    /// <summary>
    /// Everything in the caller's jurisdiction: a person's office's GB/T 2260 prefix (<see cref="AccessPolicy.JurisdictionOf"/>);
    /// for a client of the bureau, which carries none, the whole city.
    /// </summary>
    Jurisdiction,

    /// <summary>Within jurisdiction, and only with a stated purpose, which the audit keeps.</summary>
    JurisdictionWithPurpose,

    /// <summary>Within jurisdiction, with the supplying agency and submission masked (the source text's Nanchong lesson).</summary>
    JurisdictionSourceMasked,
}

/// <summary>
/// The platform's one access policy (DESIGN: least privilege; use data carefully): role × operation → reach. REST
/// endpoints declare their operation with <see cref="RequireAccess{TBuilder}"/>, GraphQL fields with
/// <see cref="RequireAccess{TSource,TReturn}"/>; both ask this table, and a test fails for any endpoint or field that
/// names no operation. Where the reach is <see cref="Reach.OwnAgency"/>, the handler compares the thing's agency with
/// <see cref="Admits"/>; for a taxpayer-level thing it compares the taxpayer's division with the caller's jurisdiction
/// through <see cref="AdmitsDivision"/>. A leader sees aggregates only; an administrator no taxpayer data.
/// </summary>
public static class AccessPolicy
{
    private static readonly Dictionary<Operation, Dictionary<string, Reach>> Table = new()
    {
        [Operation.ReadSelf] = Everyone(Reach.OwnAgency, Reach.Jurisdiction),
        [Operation.ListAgencies] = Everyone(Reach.Jurisdiction, Reach.Jurisdiction),
        [Operation.ManageAgencies] = new() { [Roles.Admin] = Reach.Jurisdiction },
        [Operation.ReadTemplates] = Everyone(Reach.OwnAgency, Reach.Jurisdiction),
        [Operation.DraftTemplates] = new() { [Roles.Analyst] = Reach.Jurisdiction, [Roles.Admin] = Reach.Jurisdiction },
        [Operation.NegotiateTemplates] = new() { [Roles.Agency] = Reach.OwnAgency, [Roles.Analyst] = Reach.Jurisdiction, [Roles.Admin] = Reach.Jurisdiction },
        [Operation.SubmitFiles] = new() { [Roles.Agency] = Reach.OwnAgency },
        // Leaders read aggregates (the scoreboard, control results), not an agency's submissions one by one (issue 13).
        [Operation.ReadReceipts] = new() { [Roles.Agency] = Reach.OwnAgency, [Roles.Analyst] = Reach.Jurisdiction, [Roles.Admin] = Reach.Jurisdiction },
        [Operation.ReadRawFiles] = new() { [Roles.Agency] = Reach.OwnAgency, [Roles.Analyst] = Reach.JurisdictionWithPurpose },
        [Operation.ReadErrorReports] = new() { [Roles.Agency] = Reach.OwnAgency, [Roles.Analyst] = Reach.JurisdictionWithPurpose },
        [Operation.ReadScoreboard] = new()
        {
            [Roles.Agency] = Reach.OwnAgency, [Roles.Analyst] = Reach.Jurisdiction, [Roles.Admin] = Reach.Jurisdiction, [Roles.Leader] = Reach.Jurisdiction,
        },
        [Operation.ReadTaxpayerFiles] = new() { [Roles.Analyst] = Reach.Jurisdiction, [Roles.Officer] = Reach.JurisdictionSourceMasked },
        [Operation.ReadAuditTrail] = new() { [Roles.Admin] = Reach.Jurisdiction },
        [Operation.ManagePeople] = new() { [Roles.Admin] = Reach.Jurisdiction },
        // Leads: analysts in jurisdiction; officers the leads of their office's county, suppliers masked; leaders get
        // aggregates (control results) instead, administrators nothing.
        [Operation.RunRules] = new() { [Roles.Analyst] = Reach.Jurisdiction },
        [Operation.ReadLeads] = new() { [Roles.Analyst] = Reach.Jurisdiction, [Roles.Officer] = Reach.JurisdictionSourceMasked },
        [Operation.AssignLeads] = new() { [Roles.Analyst] = Reach.Jurisdiction },
        [Operation.WorkLeads] = new() { [Roles.Officer] = Reach.Jurisdiction },
        // Control results: the bureau's readers; an agency sees what its own data achieved (feedback).
        [Operation.ReadControlResults] = new()
        {
            [Roles.Leader] = Reach.Jurisdiction, [Roles.Analyst] = Reach.Jurisdiction, [Roles.Admin] = Reach.Jurisdiction, [Roles.Agency] = Reach.OwnAgency,
        },
        // Agencies check invoices they are asked to reimburse (DESIGN: extras drive participation); the answer reveals
        // nothing the caller does not already hold beyond the invoice's own details, so no jurisdiction applies.
        [Operation.VerifyInvoices] = new() { [Roles.Agency] = Reach.Jurisdiction, [Roles.Analyst] = Reach.Jurisdiction, [Roles.Officer] = Reach.Jurisdiction },
    };

    private static Dictionary<string, Reach> Everyone(Reach agency, Reach bureau) =>
        Roles.All.ToDictionary(r => r, r => r == Roles.Agency ? agency : bureau);

    /// <summary>Every operation has a row; the matrix test reads the table through this.</summary>
    public static IReadOnlyDictionary<string, Reach> Row(Operation operation) => Table[operation];

    /// <summary>How far <paramref name="operation"/> reaches for this caller (its token's role).</summary>
    public static Reach ReachOf(ClaimsPrincipal user, Operation operation) =>
        Roles.All.Where(role => user.HasAnyRole(role)).Select(role => Table[operation].GetValueOrDefault(role)).DefaultIfEmpty(Reach.None).Max();

    /// <summary>Whether the caller may do <paramref name="operation"/> on something of <paramref name="agency"/> (null: of no agency).</summary>
    public static bool Admits(ClaimsPrincipal user, Operation operation, string? agency) => ReachOf(user, operation) switch
    {
        Reach.None => false,
        Reach.OwnAgency => agency is not null && agency == user.GetClaim(PlatformClaims.Agency),
        _ => true,
    };

    /// <summary>
    /// The GB/T 2260 prefix the caller's reach is confined to: a person's office's jurisdiction (<c>511302</c>: one
    /// district). Null for clients of the bureau (client credentials carry none), whose reach is the whole city.
    /// </summary>
    public static string? JurisdictionOf(ClaimsPrincipal user) => user.GetClaim(PersonClaims.Jurisdiction);

    /// <summary>
    /// Whether the caller's jurisdiction covers the platform's whole city (<paramref name="city"/>,
    /// <see cref="Hosting.PlatformOptions.Division"/>: the city itself or its province); the bureau's clients, which carry
    /// no jurisdiction, do. What reaches taxpayers of every county at once needs it: a submission's cell values (its raw
    /// file, its error report: files come from the city's agencies) and a rule's run (it merges the rule's leads of the
    /// whole city, closing those whose evidence is gone); a person bound to a county reads taxpayers one at a time, each
    /// checked against it. Decided against the city, not by the prefix's length: a person given another city's prefix
    /// covers none of this city.
    /// </summary>
    public static bool CoversCity(ClaimsPrincipal user, string city) =>
        JurisdictionOf(user) is not { } prefix || city.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>
    /// Whether the caller may do <paramref name="operation"/> on a taxpayer-level thing of <paramref name="division"/>
    /// (six digits; null when unknown, which only a caller without a jurisdiction reaches).
    /// </summary>
    public static bool AdmitsDivision(ClaimsPrincipal user, Operation operation, string? division) => ReachOf(user, operation) switch
    {
        Reach.None or Reach.OwnAgency => false,
        _ => JurisdictionOf(user) is not { } prefix || SubjectDivision.IsWithin(division, prefix),
    };

    /// <summary>The agency the caller is confined to for <paramref name="operation"/>: its own when its reach is its own agency, else none.</summary>
    public static string? ConfinedTo(ClaimsPrincipal user, Operation operation) =>
        ReachOf(user, operation) == Reach.OwnAgency ? user.GetClaim(PlatformClaims.Agency) ?? "" : null;

    /// <summary>Admits only callers whose role reaches <paramref name="operation"/> at all, and records the operation on the endpoint.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, Operation operation) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRule(operation))
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(c => ReachOf(c.User, operation) != Reach.None));

    /// <summary>Records the field's operation; <see cref="AccessFieldMiddleware"/> refuses callers it does not reach.</summary>
    public static FieldBuilder<TSource, TReturn> RequireAccess<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, Operation operation) =>
        field.WithMetadata(AccessRule.MetadataKey, operation);
}

/// <summary>The operation an endpoint performs, as endpoint metadata.</summary>
public sealed record AccessRule(Operation Operation)
{
    public const string MetadataKey = "platform:operation";
}

/// <summary>Refuses a GraphQL field whose operation the caller's role does not reach, with code FORBIDDEN.</summary>
public sealed class AccessFieldMiddleware : global::GraphQL.Instrumentation.IFieldMiddleware
{
    public ValueTask<object?> ResolveAsync(IResolveFieldContext context, global::GraphQL.Instrumentation.FieldMiddlewareDelegate next)
    {
        if (context.FieldDefinition.GetMetadata<Operation?>(AccessRule.MetadataKey) is { } operation &&
            AccessPolicy.ReachOf(context.User ?? new ClaimsPrincipal(), operation) == Reach.None)
        {
            throw new ExecutionError($"Your role may not {Words(operation)}.") { Code = "FORBIDDEN" };
        }
        return next(context);
    }

    private static string Words(Operation operation) => operation switch
    {
        Operation.ReadTaxpayerFiles => "read a taxpayer's records",
        Operation.ReadScoreboard => "read the scoreboard",
        _ => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(operation.ToString()).Replace('-', ' '),
    };
}
