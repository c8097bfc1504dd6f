namespace Platform.Ingest;

/// <summary>
/// The PostgreSQL schema of the platform's store: Marten's documents and event streams, and ingest's own tables. Named
/// here once; the store's setup and every statement of ingest's read and write layers use it.
/// </summary>
public static class StoreSchema
{
    public const string Name = "platform";
}
