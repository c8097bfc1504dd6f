using Platform.Api.Access;
using GraphQL;
using GraphQL.Types;
using Marten;
using Platform.Api.GraphQL;
using Platform.Templates.Negotiation;

namespace Platform.Api.Templates;

/// <summary>Templates in GraphQL: the same <see cref="TemplateView"/> REST returns, with the same agency confinement.</summary>
public sealed class TemplateQueryFields : IQueryFields
{
    public void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<TemplateGraphType>>>>("templates")
            .Description("Collection templates the caller may see.")
            .RequireAccess(Operation.ReadTemplates)
            .ResolveAsync(async context => (await ReadTemplates.ListAsync(Session(context), context.User!, context.CancellationToken))
                .Select(TemplateView.From).ToList());

        query.Field<TemplateGraphType>("template")
            .Description("One collection template by id, or null.")
            .RequireAccess(Operation.ReadTemplates)
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async context =>
                await ReadTemplates.FindAsync(Session(context), context.User!, context.GetArgument<string>("id"), context.CancellationToken) is { } t
                    ? TemplateView.From(t)
                    : null);
    }

    private static IQuerySession Session(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<IQuerySession>();
}

public sealed class TemplateGraphType : ObjectGraphType<TemplateView>
{
    public TemplateGraphType()
    {
        Name = "Template";
        Description = "A collection template (采集模板): what one agency agreed to send, in versions.";
        Field(t => t.Id);
        Field(t => t.Kind);
        Field(t => t.Agency);
        Field(t => t.Title).Description("Chinese title.");
        Field(t => t.TitleEn);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TemplateVersionGraphType>>>>("versions").Resolve(c => c.Source.Versions);
    }
}

public sealed class TemplateVersionGraphType : ObjectGraphType<TemplateVersionView>
{
    public TemplateVersionGraphType()
    {
        Name = "TemplateVersion";
        Field(v => v.Version);
        Field<NonNullGraphType<EnumerationGraphType<VersionStatus>>>("status").Resolve(c => c.Source.Status);
        Field(v => v.AcceptsSubmissions);
        Field(v => v.SubjectKey);
        Field(v => v.PeriodField, nullable: true);
        Field<NonNullGraphType<StringGraphType>>("schedule").Resolve(c => c.Source.Schedule.Day is { } day
            ? $"{c.Source.Schedule.Kind} by day {day}"
            : c.Source.Schedule.Kind.ToString());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FieldGraphType>>>>("fields").Resolve(c => c.Source.Fields);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<NegotiationStepGraphType>>>>("history").Resolve(c => c.Source.History);
    }
}

public sealed class FieldGraphType : ObjectGraphType<FieldView>
{
    public FieldGraphType()
    {
        Name = "TemplateField";
        Field(f => f.Name);
        Field(f => f.Title);
        Field(f => f.TitleEn);
        Field(f => f.Type);
        Field(f => f.Format, nullable: true);
        Field(f => f.Required);
        Field(f => f.Description, nullable: true);
    }
}

public sealed class NegotiationStepGraphType : ObjectGraphType<NegotiationStep>
{
    public NegotiationStepGraphType()
    {
        Name = "NegotiationStep";
        Field(s => s.Step);
        Field(s => s.By);
        Field(s => s.At);
        Field(s => s.Comment, nullable: true);
    }
}
