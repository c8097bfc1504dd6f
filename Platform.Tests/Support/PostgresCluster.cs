using System.Diagnostics;
using Npgsql;

namespace Platform.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster started with the same script as ops/run (ops/pg), in a temp folder on a free port.
/// One is shared by the whole test run; each test class gets a database of its own in it.
/// <c>PLATFORM_TEST_DB</c> (a connection string to a server where databases may be created) uses an existing server.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(() => StartAsync());

    private readonly string? directory;

    private PostgresCluster(string connectionString, string? directory)
    {
        ServerConnectionString = connectionString;
        this.directory = directory;
    }

    /// <summary>The run's cluster, started on first use and stopped when the test process exits.</summary>
    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    public string ServerConnectionString { get; }

    public int Port => new NpgsqlConnectionStringBuilder(ServerConnectionString).Port;

    /// <summary>Starts a cluster of its own, for tests that stop and start PostgreSQL.</summary>
    public static async Task<PostgresCluster> StartAsync(bool shared = true)
    {
        if (shared && Environment.GetEnvironmentVariable("PLATFORM_TEST_DB") is { Length: > 0 } external)
        {
            return new PostgresCluster(external, null);
        }
        var directory = TestDirectories.New("pg");
        var port = FreePort.Pick();
        await RunOpsPg("start", directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var cluster = new PostgresCluster(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=5", directory);
        if (shared)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return cluster;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public Task StopAsync() => directory is null ? Task.CompletedTask : RunOpsPg("stop", directory);

    /// <summary>Stops the cluster as a crash would (immediate: no checkpoint, WAL not yet written out is lost).</summary>
    public Task CrashAsync() => directory is null ? Task.CompletedTask : RunOpsPg("crash", directory);

    public Task StartAgainAsync() => directory is null
        ? Task.CompletedTask
        : RunOpsPg("start", directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        if (directory is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await StopAsync();
        Directory.Delete(directory, recursive: true);
    }

    private static async Task RunOpsPg(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "ops", "pg"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"ops/pg {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
