using Platform.Api.Hosting;
using Platform.Ingest;

namespace Platform.Api.Submissions;

public static class SubmissionsSetup
{
    /// <summary>Uploads, receipts and error reports over ingest (its store, tables, read layer and worker).</summary>
    public static WebApplicationBuilder AddSubmissions(this WebApplicationBuilder builder)
    {
        var platform = PlatformOptions.From(builder.Configuration);
        builder.Services.AddIngest(builder.Configuration, platform.DataPath("uploads"));
        return builder;
    }

    public static WebApplication MapSubmissions(this WebApplication app)
    {
        app.MapSubmitFile();
        app.MapReadReceipts();
        return app;
    }
}
