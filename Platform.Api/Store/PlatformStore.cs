using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;
using JasperFx;

namespace Platform.Api.Store;

/// <summary>
/// The one PostgreSQL database behind the platform: Marten's documents and events, and the auth tables.
/// Features add their documents and projections with Marten's own <c>services.ConfigureMarten(...)</c>.
/// </summary>
public static class PlatformStore
{
    /// <summary>Read from <c>PLATFORM_DB</c>, else <c>ConnectionStrings:Platform</c>.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration["PLATFORM_DB"] is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : configuration.GetConnectionString("Platform")
              ?? throw new InvalidOperationException(
                  "No database: set PLATFORM_DB or ConnectionStrings:Platform to a PostgreSQL connection string (ops/run does this for you).");

    public static WebApplicationBuilder AddPlatformStore(this WebApplicationBuilder builder)
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString(builder.Configuration));
        // Through a factory, so that the container disposes it with the host (an instance registered as such is not disposed)
        // and the host's pooled connections close when it stops, not minutes later.
        builder.Services.AddSingleton(_ => dataSource);
        builder.Services.AddMarten(options =>
            {
                options.Connection(dataSource);
                options.DatabaseSchemaName = Platform.Ingest.StoreSchema.Name;
                options.Events.DatabaseSchemaName = Platform.Ingest.StoreSchema.Name;
                options.Events.AppendMode = EventAppendMode.Quick;
                // Streams are keyed by domain codes: a template's id, a submission's id, a taxpayer's credit code.
                options.Events.StreamIdentity = StreamIdentity.AsString;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString);
                // Schema changes are applied explicitly (StartupTasks or the migrate command), never lazily mid-request.
                options.AutoCreateSchemaObjects = AutoCreate.None;
            })
            .UseLightweightSessions()
            // Async projections (the control results) run on one host at a time, handed over if it stops. Store:Daemon
            // Disabled keeps a host out of it (a host that only serves, or while a projection is rebuilt by hand).
            .AddAsyncDaemon(builder.Configuration.GetValue("Store:Daemon", JasperFx.Events.Daemon.DaemonMode.HotCold));
        return builder;
    }
}
