using Marten;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Hosting;
using Platform.Tests.Support;
using Weasel.Core;
using Weasel.Postgresql.Tables;

namespace Platform.Tests.Hosting;

/// <summary>
/// A database the migrate command has brought up to date has every table as Marten's configuration describes it, to the
/// last index: otherwise every later migrate (and every host applying the schema on start) would rebuild the same
/// indexes again; and every object of Marten's own (its functions, the event store's) likewise. The platform's own views,
/// functions and trigger are left out: Weasel compares a view with PostgreSQL's reprinting of it word for word, so it
/// recreates every view at each migrate; the functions and the trigger are reported changed too (Platform.Ingest/PLAN.md).
/// </summary>
public sealed class SchemaDriftTests
{
    [Fact]
    public async Task After_migrate_marten_finds_every_document_event_and_platform_table_as_configured()
    {
        await using var platform = (await PlatformFactory.UnmigratedAsync("drift")).WithSetting("Ingest:RunWorker", "false");
        _ = platform.Server;

        await SchemaCommand.RunAsync(platform.Services);

        var migration = await platform.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        var tables = migration.Deltas.Where(d => d.SchemaObject is Table).ToList();
        Assert.Contains(tables, d => d.SchemaObject.Identifier.Name == "mt_doc_submission");
        Assert.Contains(tables, d => d.SchemaObject.Identifier.Name == "mt_events");
        Assert.Empty(tables.Where(d => d.Difference != SchemaPatchDifference.None).Select(d => $"{d.SchemaObject.Identifier} ({d.Difference})"));
        var platformObjects = platform.Services.GetRequiredService<StoreOptions>().Storage.ExtendedSchemaObjects.ToHashSet();
        Assert.Empty(migration.Deltas
            .Where(d => d.Difference != SchemaPatchDifference.None && !platformObjects.Contains(d.SchemaObject))
            .Select(d => $"{d.SchemaObject.Identifier} ({d.SchemaObject.GetType().Name}, {d.Difference})"));
    }
}
