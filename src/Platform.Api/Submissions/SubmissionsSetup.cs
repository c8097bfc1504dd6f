using Platform.Api.Hosting;
using Platform.Ingest;

namespace Platform.Api.Submissions;

public static class SubmissionsSetup
{
    public static WebApplicationBuilder AddSubmissions(this WebApplicationBuilder builder)
    {
        var platform = builder.Configuration.GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions();
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
