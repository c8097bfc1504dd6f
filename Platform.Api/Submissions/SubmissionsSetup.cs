using Platform.Api.Hosting;
using Marten;
using Platform.Api.Quality;
using Platform.Api.Taxpayers;
using Platform.Ingest;
using Platform.Ingest.Quality;

namespace Platform.Api.Submissions;

public static class SubmissionsSetup
{
    public static WebApplicationBuilder AddSubmissions(this WebApplicationBuilder builder)
    {
        var platform = PlatformOptions.From(builder.Configuration);
        builder.Services.AddIngest(builder.Configuration, platform.DataPath("uploads"));
        builder.Services.AddSingleton(builder.Configuration.GetSection(ScoreboardOptions.Section).Get<ScoreboardOptions>() ?? new ScoreboardOptions());
        builder.Services.AddSingleton<Platform.Api.GraphQL.IQueryFields, Quality.ScoreboardQueryFields>();
        builder.Services.AddSingleton<Platform.Api.GraphQL.IQueryFields, TaxpayerQueryFields>();
        builder.Services.ConfigureMarten(options => options.Schema.For<Taxpayers.AccessAudit>().DocumentAlias("access_audit").Duplicate(a => a.Subject));
        return builder;
    }

    public static WebApplication MapSubmissions(this WebApplication app)
    {
        app.MapSubmitFile();
        app.MapReadReceipts();
        app.MapReadScoreboard();
        app.MapTaxpayerFile();
        return app;
    }
}
