using Npgsql;
using Platform.Api.Hosting;
using Platform.Tests.Support;

namespace Platform.Tests.Records;

public sealed class RecordTablesMigrationTests
{
    private static async Task<string?> IndexMethodAsync(string connectionString, string index)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select am.amname from pg_class i join pg_am am on am.oid = i.relam
             where i.oid = to_regclass(@index)
            """, connection);
        command.Parameters.AddWithValue("index", index);
        return (string?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Migrate_turns_the_subject_index_of_an_earlier_database_from_a_btree_into_a_hash_index()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("subjectindex");
        await using var platform = PlatformFactory.OnDatabase(database);
        platform.WithSetting("Platform:SeedDemoData", "false");
        _ = platform.Server;
        Assert.Equal("hash", await IndexMethodAsync(database, "platform.ix_ingest_record_subject"));
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // The index as databases migrated before the hash index have it.
            await using var earlier = new NpgsqlCommand("""
                drop index platform.ix_ingest_record_subject;
                create index ix_ingest_record_subject on platform.ingest_record (subject_key);
                """, connection);
            await earlier.ExecuteNonQueryAsync();
        }
        Assert.Equal("btree", await IndexMethodAsync(database, "platform.ix_ingest_record_subject"));

        await SchemaCommand.RunAsync(platform.Services);

        Assert.Equal("hash", await IndexMethodAsync(database, "platform.ix_ingest_record_subject"));
    }
}
