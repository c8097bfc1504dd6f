using Microsoft.EntityFrameworkCore;

namespace Platform.Api.Auth;

/// <summary>OpenIddict's applications, authorizations, scopes and tokens, in their own schema <c>auth</c>.</summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options)
{
    public const string Schema = "auth";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.UseOpenIddict();
        base.OnModelCreating(modelBuilder);
    }

    /// <summary>Npgsql with the migration history kept inside the auth schema, and OpenIddict's entities.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsHistoryTable("__ef_migrations_history", Schema)
                .EnableRetryOnFailure(maxRetryCount: 4, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null))
            .UseOpenIddict();
}
