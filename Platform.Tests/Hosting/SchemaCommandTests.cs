using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Api.Hosting;
using Platform.Ingest.Processing;
using Platform.Tests.Support;

namespace Platform.Tests.Hosting;

public sealed class SchemaCommandTests
{
    private static async Task<bool> TableExists(string connectionString, string qualifiedName)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select to_regclass(@name) is not null", connection);
        command.Parameters.AddWithValue("name", qualifiedName);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Without_apply_on_start_the_schema_comes_only_from_the_migrate_command_which_is_idempotent()
    {
        await using var platform = (await PlatformFactory.UnmigratedAsync("schema")).WithSetting("Ingest:PollInterval", "00:00:00.050");
        var database = platform.ConnectionString;
        _ = platform.Server;
        // The ingest worker looks for work in tables that do not exist yet: its failing rounds must not stop the host.
        await platform.Logs.WaitForAsync(typeof(IngestWorker).FullName!, LogLevel.Error, count: 3, TimeSpan.FromSeconds(30));

        Assert.False(await TableExists(database, "auth.\"OpenIddictApplications\""));
        Assert.False(await TableExists(database, "platform.mt_doc_agency"));

        await SchemaCommand.RunAsync(platform.Services);
        await SchemaCommand.RunAsync(platform.Services);

        Assert.True(await TableExists(database, "auth.\"OpenIddictApplications\""));
        Assert.True(await TableExists(database, "platform.mt_doc_agency"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await platform.CreateClient().GetAsync("/health/ready")).StatusCode);
    }
}
