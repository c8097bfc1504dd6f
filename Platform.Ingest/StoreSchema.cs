using Marten;
using Weasel.Core;

namespace Platform.Ingest;

/// <summary>
/// The PostgreSQL schema of the platform's store: Marten's documents and event streams, and ingest's own tables. Named
/// here once; the store's setup and every statement of ingest's read and write layers use it.
/// </summary>
public static class StoreSchema
{
    public const string Name = "platform";

    /// <summary>
    /// Adds a module's own tables, views, functions and triggers to the store's schema, so that the migrate command and
    /// each host's start bring them up to date; views, functions and triggers by their fingerprints, chained in the
    /// order given (<see cref="Fingerprinted"/>): list what a view or trigger uses before it.
    /// </summary>
    public static void Add(StoreOptions store, IEnumerable<ISchemaObject> schemaObjects)
    {
        string? before = null;
        foreach (var schemaObject in schemaObjects)
        {
            var added = Fingerprinted.Of(schemaObject, before);
            before = (added as Fingerprinted)?.Comment ?? before;
            store.Storage.ExtendedSchemaObjects.Add(added);
        }
    }
}
