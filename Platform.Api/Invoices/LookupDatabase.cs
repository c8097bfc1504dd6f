using Npgsql;
using Platform.Api.Store;

namespace Platform.Api.Invoices;

/// <summary>
/// The connections lookups go through: the platform's database with <c>synchronous_commit</c> off for every transaction
/// (the daily count's upsert is a lookup's only write; <see cref="LookupCounter"/> says what a crash can cost), set once
/// per connection rather than by a statement in every lookup, and a pool of its own, bounded by
/// <see cref="InvoiceOptions.MaxConnections"/> so that a burst of lookups cannot take the connections the rest of the
/// platform needs.
/// </summary>
public sealed class LookupDatabase(IConfiguration configuration, InvoiceOptions options) : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(ConnectionString(configuration, options));

    private static string ConnectionString(IConfiguration configuration, InvoiceOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(PlatformStore.ConnectionString(configuration)) { MaxPoolSize = options.MaxConnections };
        builder.Options = $"{builder.Options} -c synchronous_commit=off".Trim();
        return builder.ConnectionString;
    }

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
