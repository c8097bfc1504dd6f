using JasperFx.Events.Projections;
using Marten;
using Platform.Api.GraphQL;
using Platform.Ingest;
using Platform.Templates.Negotiation;

namespace Platform.Api.Templates;

/// <summary>
/// Collection templates: each template is an event stream keyed by its id; the <see cref="Template"/> snapshot is
/// projected inline, so a request reads its own negotiation step at once.
/// </summary>
public static class TemplatesSetup
{
    public static IServiceCollection AddTemplates(this IServiceCollection services)
    {
        services.ConfigureMarten(options =>
        {
            options.Events.AddEventTypes(Template.EventTypes);
            options.Projections.Add(new FoldProjection<Template>(Template.EventTypes, Template.Fold), ProjectionLifecycle.Inline);
            options.Schema.For<Template>().DocumentAlias("template").Duplicate(t => t.Agency);
        });
        services.AddSingleton<IQueryFields, TemplateQueryFields>();
        return services;
    }

    public static WebApplication MapTemplates(this WebApplication app)
    {
        app.MapReadTemplates();
        app.MapNegotiateTemplate();
        return app;
    }
}
