using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Platform.Api.Auth;

/// <summary>
/// For <c>dotnet ef migrations add X --project Platform.Api</c> only: builds the context without the web host,
/// so adding a migration needs no database (the connection string is never opened).
/// </summary>
public sealed class AuthDbContextDesignFactory : IDesignTimeDbContextFactory<AuthDbContext>
{
    public AuthDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<AuthDbContext>)AuthDbContext.Configure(
            new DbContextOptionsBuilder<AuthDbContext>(), "Host=localhost;Database=design_time_only").Options);
}
