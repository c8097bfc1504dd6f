using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Api.Hosting;
using Platform.Ingest;
using Platform.Tests.Support;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Platform.Tests.Hosting;

/// <summary>
/// A database the migrate command has brought up to date has every object as Marten's configuration describes it: every
/// table to the last index, every object of Marten's own, and the platform's views, functions and trigger by their
/// fingerprints (<see cref="Fingerprinted"/>). Otherwise every later migrate, and every host applying the schema on
/// start, would rebuild the same indexes or drop and recreate the same views again, each drop waiting for the queries
/// reading the view.
/// </summary>
public sealed class SchemaDriftTests
{
    [Fact]
    public async Task After_migrate_marten_finds_every_table_view_function_and_trigger_as_configured()
    {
        await using var platform = (await PlatformFactory.UnmigratedAsync("drift")).WithSetting("Ingest:RunWorker", "false");
        _ = platform.Server;

        await SchemaCommand.RunAsync(platform.Services);

        var migration = await platform.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        var tables = migration.Deltas.Where(d => d.SchemaObject is Table).ToList();
        Assert.Contains(tables, d => d.SchemaObject.Identifier.Name == "mt_doc_submission");
        Assert.Contains(tables, d => d.SchemaObject.Identifier.Name == "mt_events");
        var fingerprinted = migration.Deltas.Where(d => d.SchemaObject is Fingerprinted).Select(d => d.SchemaObject.Identifier.Name).ToList();
        Assert.Contains("standing_record", fingerprinted);
        Assert.Contains("standing_invoices_issued", fingerprinted);
        Assert.Contains("record_object", fingerprinted);
        Assert.Contains("audit_append_many", fingerprinted);
        Assert.Contains("audit_entry_append_only", fingerprinted);
        Assert.Empty(migration.Deltas
            .Where(d => d.Difference != SchemaPatchDifference.None)
            .Select(d => $"{d.SchemaObject.Identifier} ({d.SchemaObject.GetType().Name}, {d.Difference})"));
    }

    [Fact]
    public async Task A_second_migrate_rewrites_only_the_view_or_function_whose_sql_changed_and_replaces_a_function_in_place()
    {
        await using var platform = await MigratedAsync("drift_again");
        var before = await ObjectIdsAsync(platform.ConnectionString);

        await SchemaCommand.RunAsync(platform.Services);
        Assert.Equal(before, await ObjectIdsAsync(platform.ConnectionString));

        // As a database written by an earlier build: the view's and the trigger function's SQL differ from the configured.
        await ExecuteAsync(platform.ConnectionString, """
            comment on view platform.standing_record is 'an earlier build';
            comment on function platform.audit_entry_refuse_change() is 'an earlier build';
            """);
        await SchemaCommand.RunAsync(platform.Services);

        var after = await ObjectIdsAsync(platform.ConnectionString);
        Assert.NotEqual(before.StandingRecord, after.StandingRecord);
        Assert.Equal(before with { StandingRecord = after.StandingRecord }, after);
        var migration = await platform.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        Assert.Empty(migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).Select(d => d.SchemaObject.Identifier.ToString()));
        await using var connection = new NpgsqlConnection(platform.ConnectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("delete from platform.audit_entry", connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_function_s_other_version_is_dropped_with_what_uses_it_and_the_configured_one_kept()
    {
        await using var platform = await MigratedAsync("drift_versions");
        var before = await ObjectIdsAsync(platform.ConnectionString);

        // As an earlier build whose record_object took jsonb would leave it, with a view of its own bound to it.
        await ExecuteAsync(platform.ConnectionString, """
            create function platform.record_object(fields text[], vals jsonb) returns json language sql immutable as $$ select null::json $$;
            create view platform.old_standing as select platform.record_object(array['a'], '[1]'::jsonb) as record;
            """);
        await SchemaCommand.RunAsync(platform.Services);

        Assert.Equal(0L, await ScalarAsync(platform.ConnectionString,
            "select count(*) from pg_proc where proname = 'record_object' and pg_get_function_identity_arguments(oid) <> 'fields text[], vals json'"));
        Assert.Equal(0L, await ScalarAsync(platform.ConnectionString, "select count(*) from pg_class where relname = 'old_standing'"));
        Assert.Equal(before, await ObjectIdsAsync(platform.ConnectionString)); // the configured version replaced in place; its views kept
        var migration = await platform.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        Assert.Empty(migration.Deltas.Where(d => d.Difference != SchemaPatchDifference.None).Select(d => d.SchemaObject.Identifier.ToString()));
    }

    [Fact]
    public void An_object_s_fingerprint_covers_the_one_listed_before_it_and_not_how_lines_end()
    {
        var view = new Weasel.Postgresql.Views.View("platform.v", "select 1 as one\nfrom pg_class");
        var crlf = new Weasel.Postgresql.Views.View("platform.v", "select 1 as one\r\nfrom pg_class");
        var first = (Fingerprinted)Fingerprinted.Of(view);
        Assert.Equal(first.Comment, ((Fingerprinted)Fingerprinted.Of(crlf)).Comment);
        Assert.NotEqual(first.Comment, ((Fingerprinted)Fingerprinted.Of(view, "a function's fingerprint")).Comment);
        Assert.NotEqual(((Fingerprinted)Fingerprinted.Of(view, "one")).Comment, ((Fingerprinted)Fingerprinted.Of(view, "another")).Comment);
    }

    private static async Task<PlatformFactory> MigratedAsync(string database)
    {
        var platform = (await PlatformFactory.UnmigratedAsync(database)).WithSetting("Ingest:RunWorker", "false");
        _ = platform.Server;
        await SchemaCommand.RunAsync(platform.Services);
        return platform;
    }

    private sealed record ObjectIds(uint StandingRecord, uint TypedInvoices, uint RecordObject, uint RefuseChange, uint AppendOnlyTrigger);

    private static async Task<ObjectIds> ObjectIdsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select 'platform.standing_record'::regclass::oid, 'platform.standing_invoices_issued'::regclass::oid,
                   'platform.record_object(text[], json)'::regprocedure::oid, 'platform.audit_entry_refuse_change()'::regprocedure::oid,
                   (select oid from pg_trigger where tgname = 'audit_entry_append_only')
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return new ObjectIds(reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1), reader.GetFieldValue<uint>(2),
            reader.GetFieldValue<uint>(3), reader.GetFieldValue<uint>(4));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
