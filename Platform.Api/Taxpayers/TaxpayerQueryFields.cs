using Platform.Api.Access;
using System.Text.Json;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Platform.Api.Audit;
using Platform.Ingest.Records;
using Platform.Api.GraphQL;
using Platform.Api.Paging;

namespace Platform.Api.Taxpayers;

/// <summary>The one-household file (一户式档案) for analysts' queries: the same records, roles and audit as the REST endpoint.</summary>
public sealed class TaxpayerQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<TaxpayerRecordPageGraphType>, TaxpayerRecordPage>("taxpayerRecords")
            .Description("Every accepted record about one taxpayer, across agencies and periods, newest period first (一户式档案), a page " +
                         "at a time. Each page read is audited; officers see the supplier only where policy names it; a taxpayer outside the " +
                         "caller's jurisdiction is a NOT_FOUND error.")
            .Argument<IntGraphType>("first", "How many records (default Taxpayers:DefaultPageSize, at most Taxpayers:MaxPageSize)")
            .Argument<StringGraphType>("after", "The endCursor of the page before")
            .ReadsTaxpayer("file", (context, subject, purpose) =>
            {
                var services = context.RequestServices!;
                var ask = TaxpayerFile.Ask(services, subject, context.GetArgument<int?>("first"), context.GetArgument<string?>("after"));
                return ask.Refusal is { } refusal
                    ? throw new ExecutionError(refusal) { Code = "INVALID" }
                    : TaxpayerFile.ReadAsync(services, context.User!, TaxpayerField.HttpOf(context), subject, purpose, ask, context.Selects("nodes"),
                        context.CancellationToken);
            });
}

public sealed class TaxpayerRecordPageGraphType : ObjectGraphType<TaxpayerRecordPage>
{
    public TaxpayerRecordPageGraphType()
    {
        Name = "TaxpayerRecordPage";
        Field(p => p.TotalCount).Description("Records held about the taxpayer in all, as counted for the first page (later pages carry that count in their cursor).");
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(c => c.Source.PageInfo);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaxpayerRecordGraphType>>>>("nodes").Resolve(c => c.Source.Records);
    }
}

/// <summary>A taxpayer-level read once its arguments are checked; null when the subject is outside the caller's jurisdiction.</summary>
public delegate Task<T?> TaxpayerRead<T>(IResolveFieldContext context, string subject, string? purpose);

public static class TaxpayerField
{
    /// <summary>
    /// A read's weight in a request's complexity (GraphQL:MaxComplexity), whatever is selected of it: a count, up to 2,000
    /// records and an audit entry. Unweighted, 100 aliased <c>taxpayer</c> reads of a large file scored about 100 and took
    /// 12 s and 17 s of PostgreSQL's CPU on a hundred connections at once (attacker review, 2026-12-02); now at most 10 fit.
    /// </summary>
    public const double ReadImpact = 2_000;

    /// <summary>
    /// A GraphQL field reading one taxpayer (<c>taxpayerRecords</c>, <c>taxpayer</c>): the file's access row, the
    /// <c>subject</c> and <c>purpose</c> arguments, the purpose's bound (INVALID_PURPOSE), the subject's (INVALID),
    /// NOT_FOUND outside the jurisdiction, and the weight <see cref="ReadImpact"/>.
    /// </summary>
    public static FieldBuilder<object?, T> ReadsTaxpayer<T>(this FieldBuilder<object?, T> field, string what, TaxpayerRead<T> read) where T : class =>
        field.RequireAccess(Operation.ReadTaxpayerFiles)
            .WithComplexityImpact(ReadImpact)
            .Argument<NonNullGraphType<StringGraphType>>("subject", "The taxpayer's subject key, such as a unified social credit code")
            .Argument<StringGraphType>("purpose", $"Why the {what} is read, kept in the audit trail")
            .ResolveAsync(async context =>
            {
                var services = context.RequestServices!;
                var purpose = context.GetArgument<string?>("purpose");
                if (services.GetRequiredService<AuditTrail>().CheckPurpose(purpose) is { } problem)
                {
                    throw new ExecutionError(problem) { Code = "INVALID_PURPOSE" };
                }
                var subject = context.GetArgument<string>("subject");
                if (TaxpayerFile.RefuseSubject(subject) is { } refused)
                {
                    throw new ExecutionError(refused) { Code = "INVALID" };
                }
                return await read(context, subject, purpose)
                       ?? throw new ExecutionError(TaxpayerFile.OutsideJurisdiction(subject)) { Code = "NOT_FOUND" };
            });

    /// <summary>The request a field is resolved for, which the audit trail names the caller's address from.</summary>
    public static HttpContext? HttpOf(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<IHttpContextAccessor>().HttpContext;
}

public sealed class TaxpayerRecordGraphType : ObjectGraphType<TaxpayerRecord>
{
    public TaxpayerRecordGraphType()
    {
        Name = "TaxpayerRecord";
        Field(r => r.Agency);
        Field(r => r.TemplateId);
        Field(r => r.TemplateVersion);
        Field<StringGraphType>("period").Description("yyyy-MM").Resolve(c => c.Source.Period?.ToString());
        Field(r => r.SubmissionId);
        Field(r => r.Row).Description("The row of the submitted file (the header is row 1).");
        Field(r => r.RecordKey);
        Field(r => r.State).Description("current, superseded (a later correction or replacement took its place), voided, or withdrawal.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordValueGraphType>>>>("values")
            .Description("The record's values by field, in the template version's order; empty cells are null.")
            .Resolve(c => RecordValue.From(c.Source.Values));
    }
}

/// <summary>One field of a record as GraphQL gives it: the value as text, whatever its type.</summary>
public sealed record RecordValue(string Field, string? Value)
{
    public static IEnumerable<RecordValue> From(JsonElement values) =>
        values.EnumerateObject().Select(p => new RecordValue(p.Name, p.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => p.Value.GetString(),
            _ => p.Value.GetRawText(),
        }));
}

public sealed class RecordValueGraphType : ObjectGraphType<RecordValue>
{
    public RecordValueGraphType()
    {
        Name = "RecordValue";
        Field(v => v.Field);
        Field(v => v.Value, nullable: true);
    }
}
