using Npgsql;
using Platform.Api.Store;

namespace Platform.Api.Invoices;

/// <summary>
/// The connections lookups go through: the platform's database with <c>synchronous_commit</c> off for every transaction
/// (the daily count's upsert is a lookup's only write; <see cref="LookupCounter"/> says what a crash can cost) and
/// <c>plan_cache_mode</c> <c>force_generic_plan</c>, both set once per connection rather than by a statement in every
/// lookup. The lookups' statements take arrays of keys: PostgreSQL plans a generic plan for ten keys, finds it dearer
/// than a custom plan for the one key of a single lookup, and would so plan the look-up over its views afresh at every
/// execution (the bare look-up of <c>ops/bench invoices</c> by an array of one key spent about four times the PostgreSQL CPU
/// of the look-up by one key); the generic plan is the same index probes per key. And a pool of its own, bounded by
/// <see cref="InvoiceOptions.MaxConnections"/> so that a burst of lookups cannot take the connections the rest of the
/// platform needs. A connection goes back to the pool without Npgsql's reset (<c>No Reset On Close</c>): a lookup leaves no
/// session state behind (no settings, temporary tables or advisory locks), and the reset's six statements ran in every
/// batch's round trip.
/// </summary>
public sealed class LookupDatabase(IConfiguration configuration, InvoiceOptions options) : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(ConnectionString(configuration, options));

    private static string ConnectionString(IConfiguration configuration, InvoiceOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(PlatformStore.ConnectionString(configuration)) { MaxPoolSize = options.MaxConnections, NoResetOnClose = true };
        builder.Options = $"{builder.Options} -c synchronous_commit=off -c plan_cache_mode=force_generic_plan".Trim();
        return builder.ConnectionString;
    }

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
