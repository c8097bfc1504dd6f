using Marten;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Api.Audit;
using Platform.Api.Auth;

namespace Platform.Api.Hosting;

/// <summary>
/// Brings the database to what this build expects: Marten's tables, functions and projections (schema
/// <c>platform</c>), the audit table's restricted privileges, OpenIddict's EF Core migrations (schema <c>auth</c>) and the web front's client (<see cref="WebFront"/>). Idempotent.
/// </summary>
public static class DatabaseSchema
{
    public static async Task ApplyAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await AuditTable.RestrictAsync(services.GetRequiredService<NpgsqlDataSource>(), ct);
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Database.MigrateAsync(ct);
        await WebFront.EnsureAsync(
            scope.ServiceProvider.GetRequiredService<OpenIddict.Abstractions.IOpenIddictApplicationManager>(),
            scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TokenOptions>>().Value, ct);
    }
}

/// <summary><c>dotnet Platform.Api.dll migrate</c>: apply the schema and exit, for hosts that do not apply it on start.</summary>
public static partial class SchemaCommand
{
    public const string Name = "migrate";

    public static async Task RunAsync(IServiceProvider services)
    {
        await DatabaseSchema.ApplyAsync(services, CancellationToken.None);
        SchemaUpToDate(services.GetRequiredService<ILogger<PlatformOptions>>());
    }

    [LoggerMessage(LogLevel.Information, "Database schema is up to date")]
    private static partial void SchemaUpToDate(ILogger logger);
}
