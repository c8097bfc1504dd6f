using System.Text.Json;
using JasperFx;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Platform.Comparisons.Leads;

namespace Platform.Comparisons.Runs;

/// <summary>
/// A run's lead events written in bulk, in the run's transaction: each chunk's events go by binary COPY into a temporary
/// table, then three statements write them as Marten's Quick append does (<c>mt_quick_append_events</c>: the stream row
/// with its final version, each event with the next number of <c>mt_events_sequence</c>, the stream's version moved on),
/// and <see cref="LeadProjection"/>'s own statements bring <see cref="LeadTable"/> up to date from the same events. Quick
/// append calls that function once per stream (about 1,200 leads/s on the two-core host, ops/bench compare); this is a
/// few statements per run. Events are serialized by the store's serializer and named by its event graph, so Marten
/// reads them back as its own.
/// </summary>
internal sealed class LeadAppend(IDocumentStore store)
{
    private const string Pending = "lead_event_pending";
    private static readonly string Schema = Ingest.StoreSchema.Name;

    private readonly List<(string StreamId, bool NewStream, object Event)> chunk = [];
    private readonly List<Lead> started = [];
    private readonly Dictionary<Type, List<object>> later = [];
    private bool created;

    /// <summary>A new lead's stream with its first events (raised, and assigned when an office covers its county).</summary>
    public void Start(string streamId, IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            chunk.Add((streamId, true, e));
        }
        started.Add(events.Aggregate((Lead?)null, Lead.Fold)!);
    }

    /// <summary>One event on an existing lead's stream (a run appends at most one per lead).</summary>
    public void Append(string streamId, object e)
    {
        chunk.Add((streamId, false, e));
        if (!later.TryGetValue(e.GetType(), out var events))
        {
            later[e.GetType()] = events = [];
        }
        events.Add(e);
    }

    /// <summary>Copies the events gathered so far into the run's pending table.</summary>
    public async Task FlushAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        if (!created)
        {
            await ExecuteAsync(connection, transaction, $"""
                create temporary table {Pending} (n bigserial, stream_id text not null, new_stream boolean not null, type text not null,
                                                  dotnet_type text not null, data jsonb not null) on commit drop
                """, ct);
            created = true;
        }
        if (chunk.Count == 0)
        {
            return;
        }
        var serializer = store.Options.Serializer();
        var graph = ((Marten.Events.EventGraph)store.Options.Events);
        await using (var copy = await connection.BeginBinaryImportAsync(
                         $"COPY {Pending} (stream_id, new_stream, type, dotnet_type, data) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (streamId, newStream, e) in chunk)
            {
                var mapping = graph.EventMappingFor(e.GetType());
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(streamId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(newStream, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(mapping.EventTypeName, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(mapping.DotNetTypeName, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(serializer.ToJson(e), NpgsqlDbType.Jsonb, ct);
            }
            await copy.CompleteAsync(ct);
        }
        chunk.Clear();
    }

    /// <summary>Writes the pending events to the event store and projects them, in the run's transaction.</summary>
    public async Task CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await FlushAsync(connection, transaction, ct);
        var streamType = ((Marten.Events.EventGraph)store.Options.Events).AggregateAliasFor(typeof(Lead));
        // Existing streams locked first, as the function's update would: a concurrent step on a lead waits for the run.
        await ExecuteAsync(connection, transaction, $"""
            select 1 from {Schema}.mt_streams where id in (select stream_id from {Pending} where not new_stream) order by id for update
            """, ct);
        await ExecuteAsync(connection, transaction, $"""
            insert into {Schema}.mt_streams (id, type, version, timestamp, tenant_id)
            select stream_id, $1, count(*), now(), $2 from {Pending} where new_stream group by stream_id
            """, ct, streamType, StorageConstants.DefaultTenantId);
        await ExecuteAsync(connection, transaction, $"""
            insert into {Schema}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
            select nextval('{Schema}.mt_events_sequence'), gen_random_uuid(), e.stream_id,
                   coalesce(s.version, 0) + row_number() over (partition by e.stream_id order by e.n),
                   e.data, e.type, $1, (now() at time zone 'utc'), e.dotnet_type, false
              from {Pending} e
              left join {Schema}.mt_streams s on not e.new_stream and s.id = e.stream_id
             order by e.n
            """, ct, StorageConstants.DefaultTenantId);
        await ExecuteAsync(connection, transaction, $"""
            update {Schema}.mt_streams s set version = s.version + p.appended, timestamp = now()
              from (select stream_id, count(*) as appended from {Pending} where not new_stream group by stream_id) p
             where s.id = p.stream_id
            """, ct);

        if (started.Count > 0)
        {
            await ExecuteAsync(connection, transaction, LeadProjection.InsertSql("$1"), ct, Json(JsonSerializer.Serialize(started, LeadTable.Json)));
        }
        foreach (var (type, events) in later)
        {
            await ExecuteAsync(connection, transaction, LeadProjection.UpdateSql(type, "$1"), ct,
                Json(JsonSerializer.Serialize(events, LeadTable.Json)));
        }
    }

    private static NpgsqlParameter Json(string json) => new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct,
        params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync(ct);
    }
}
