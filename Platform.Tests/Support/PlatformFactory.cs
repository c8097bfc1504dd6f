using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Api.Auth;

namespace Platform.Tests.Support;

/// <summary>
/// The platform in-process over a database of its own (one per test class) and a data directory of its own,
/// with the schema applied and the demo data seeded as ops/run does.
/// </summary>
public class PlatformFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> settings = [];
    private readonly bool ownsDataDirectory;

    public PlatformFactory()
    {
        DataDirectory = TestDirectories.New("data");
        ownsDataDirectory = true;
    }

    /// <summary>The platform over a given database (such as one in a cluster the test stops and starts).</summary>
    public static PlatformFactory OnDatabase(string connectionString) => new() { ConnectionString = connectionString };

    /// <summary>
    /// The platform over a new empty database, applying no schema and seeding nothing on start: the schema comes only
    /// from the migrate command (<c>SchemaCommand</c>) the test runs. Not started yet.
    /// </summary>
    public static async Task<PlatformFactory> UnmigratedAsync(string databaseName)
    {
        var platform = OnDatabase(await (await PostgresCluster.Shared).CreateDatabaseAsync(databaseName));
        platform.WithSetting("Platform:ApplySchemaOnStart", "false").WithSetting("Platform:SeedDemoData", "false");
        return platform;
    }

    /// <summary>The same database and data directory as <paramref name="other"/>: the platform after a restart.</summary>
    protected PlatformFactory(PlatformFactory other)
    {
        DataDirectory = other.DataDirectory;
        ConnectionString = other.ConnectionString;
        foreach (var (key, value) in other.settings)
        {
            settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    /// <summary>Warnings and errors the platform logged.</summary>
    public LogRecorder Logs { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        if (ConnectionString.Length == 0)
        {
            var cluster = await PostgresCluster.Shared;
            ConnectionString = await cluster.CreateDatabaseAsync("t");
        }
    }

    /// <summary>Overrides a configuration value (such as <c>GraphQL:MaxDepth</c>) before the host is built.</summary>
    public PlatformFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    public PlatformFactory Restarted() => new(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("PLATFORM_DB", ConnectionString);
        builder.UseSetting("Platform:DataDirectory", DataDirectory);
        builder.UseSetting("Platform:ApplySchemaOnStart", "true");
        builder.UseSetting("Platform:SeedDemoData", "true");
        builder.UseSetting("Platform:AllowHttp", "true");
        // Test hosts all call from one address and a test class asks for many tokens; CredentialAttemptsTests sets its own.
        builder.UseSetting("Tokens:CredentialAttemptsPerMinute", "100000");
        // A test class's requests all come from a few demo callers; GraphQLCallerLimitTests sets the limit it tests.
        builder.UseSetting("GraphQL:RequestsPerCallerPerMinute", "100000");
        // Rules run only when a test runs them: runs in the background would race a test's own (CONFLICT) and close its leads.
        // The tests of the schedule turn it on (WithSetting).
        builder.UseSetting("Comparisons:RunAfterAcceptance", "false");
        builder.UseSetting("Logging:LogLevel:Default", Environment.GetEnvironmentVariable("PLATFORM_TEST_LOG") ?? "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<LogRecorder>(null, LogLevel.Warning));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public DemoCredentials DemoCredentials()
    {
        _ = Services; // the host seeds the file on start (Services starts it, whether served in memory or by Kestrel)
        return JsonSerializer.Deserialize<DemoCredentials>(
            File.ReadAllText(Path.Combine(DataDirectory, "demo-credentials.json")), JsonSerializerOptions.Web)!;
    }

    public DemoClient DemoClient(string role, string? agency = null) =>
        DemoCredentials().Clients.First(c => c.Role == role && (agency is null || c.Agency == agency));

    public async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string clientSecret, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        return await CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    public async Task<string> AccessTokenAsync(string role, string? agency = null)
    {
        var client = DemoClient(role, agency);
        using var response = await RequestTokenAsync(client.ClientId, client.ClientSecret);
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        return token.GetProperty("access_token").GetString()!;
    }

    /// <summary>An HTTP client that sends a demo client's bearer token.</summary>
    public async Task<HttpClient> ClientForAsync(string role, string? agency = null) => ClientWithToken(await AccessTokenAsync(role, agency));

    /// <summary>An HTTP client that sends the given bearer token.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ConnectionString.Length > 0)
        {
            // The idle connections of this database's shared pool (EF Core's, the tests' own) would stay open for minutes,
            // and a whole suite's classes together would pass the cluster's max_connections.
            await using var connection = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
        if (ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}
