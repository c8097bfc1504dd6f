using Npgsql;
using Platform.Ingest;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace Platform.Api.Audit;

/// <summary>
/// The audit trail's table and functions, created with Marten's schema (so the migrate command covers them):
/// <list type="bullet">
/// <item><c>audit_entry</c>: one row per audited read or privileged change; <c>seq</c> counts from 1 without gaps, and
/// each row carries the digest of the row before (<c>prev_digest</c>, 64 zeros for the first) and its own
/// (<c>digest</c>, SHA-256 hex of <see cref="AuditChain.Canonical"/>).</item>
/// <item><c>audit_append(...)</c>: the only writer. Under a transaction-scoped advisory lock it reads the head, numbers
/// and digests the new entry and inserts it, in one statement; concurrent appends therefore chain one after another. It
/// runs with its owner's rights (SECURITY DEFINER, a fixed search path), so the app role needs no INSERT on the table:
/// it cannot write a row whose number or digest the function did not compute.</item>
/// <item>A trigger that refuses UPDATE, DELETE and TRUNCATE, and <see cref="RestrictAsync"/>, which takes those
/// privileges and INSERT from every role but the table's owner (the app role gets them by the schema's default
/// privileges).</item>
/// </list>
/// The canonical form is written twice, here in SQL (to digest on append) and in C# (to verify); a test holds them equal.
/// </summary>
public static class AuditTable
{
    public const string Name = StoreSchema.Name + ".audit_entry";

    /// <summary>The first entry's <c>prev_digest</c>.</summary>
    public static readonly string Genesis = new('0', 64);

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var entry = new Table(new PostgresqlObjectName(StoreSchema.Name, "audit_entry", SchemaUtils.IdentifierUsage.General));
        entry.AddColumn("seq", "bigint").AsPrimaryKey();
        entry.AddColumn("at", "timestamptz").NotNull();
        entry.AddColumn("actor", "text").NotNull();
        entry.AddColumn("role", "text").NotNull();
        entry.AddColumn("agency", "text");
        entry.AddColumn("address", "text");
        entry.AddColumn("operation", "text").NotNull();
        entry.AddColumn("subjects", "text[]").NotNull();
        entry.AddColumn("row_count", "bigint");
        entry.AddColumn("purpose", "text");
        entry.AddColumn("prev_digest", "text").NotNull();
        entry.AddColumn("digest", "text").NotNull();
        entry.Indexes.Add(new IndexDefinition("ix_audit_entry_actor") { Columns = ["actor"] });
        entry.Indexes.Add(new IndexDefinition("ix_audit_entry_subjects") { Columns = ["subjects"], Method = IndexMethod.gin });
        yield return entry;

        // A text field of the canonical form: its UTF-8 length, a colon and the text; '-' for null.
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_field(value text) returns text
            language sql stable parallel safe as $$
              select coalesce(octet_length(convert_to(value, 'UTF8'))::text || ':' || value, '-')
            $$;
            """);

        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_canonical(seq bigint, at timestamptz, actor text, role text,
              agency text, address text, operation text, subjects text[], row_count bigint, purpose text, prev_digest text) returns text
            language sql stable parallel safe as $$
              select 'audit-v1|' || seq::text || '|' || (extract(epoch from at) * 1000000)::bigint::text || '|'
                || {{StoreSchema.Name}}.audit_field(actor) || {{StoreSchema.Name}}.audit_field(role)
                || {{StoreSchema.Name}}.audit_field(agency) || {{StoreSchema.Name}}.audit_field(address)
                || {{StoreSchema.Name}}.audit_field(operation) || cardinality(subjects)::text || '['
                || coalesce((select string_agg({{StoreSchema.Name}}.audit_field(s), '' order by i)
                               from unnest(subjects) with ordinality u(s, i)), '')
                || ']' || coalesce(row_count::text, '-') || '|' || {{StoreSchema.Name}}.audit_field(purpose) || prev_digest
            $$;
            """);

        // 1096107092 is 'AUDT': the two-key advisory lock space, apart from the one-key locks ingest claims submissions with.
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_append(p_at timestamptz, p_actor text, p_role text, p_agency text,
              p_address text, p_operation text, p_subjects text[], p_row_count bigint, p_purpose text) returns bigint
            language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
            declare
              v_seq bigint;
              v_prev text;
            begin
              perform pg_advisory_xact_lock(1096107092, 0);
              select seq, digest into v_seq, v_prev from {{Name}} order by seq desc limit 1;
              v_seq := coalesce(v_seq, 0) + 1;
              v_prev := coalesce(v_prev, repeat('0', 64));
              insert into {{Name}} (seq, at, actor, role, agency, address, operation, subjects, row_count, purpose, prev_digest, digest)
              values (v_seq, p_at, p_actor, p_role, p_agency, p_address, p_operation, p_subjects, p_row_count, p_purpose, v_prev,
                      encode(sha256(convert_to({{StoreSchema.Name}}.audit_canonical(v_seq, p_at, p_actor, p_role, p_agency, p_address,
                        p_operation, p_subjects, p_row_count, p_purpose, v_prev), 'UTF8')), 'hex'));
              return v_seq;
            end
            $$;
            """);

        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_entry_refuse_change() returns trigger
            language plpgsql as $$
            begin
              raise exception 'audit entries are append-only: % on {{Name}} refused', tg_op using errcode = '42501';
            end
            $$;
            """);

        yield return new Trigger(new PostgresqlObjectName(StoreSchema.Name, "audit_entry_append_only", SchemaUtils.IdentifierUsage.General),
            entry.Identifier, $"{StoreSchema.Name}.audit_entry_refuse_change()")
        {
            Timing = TriggerTiming.Before,
            Events = TriggerEvents.Update | TriggerEvents.Delete | TriggerEvents.Truncate,
            ForEachRow = false,
        };
    }

    /// <summary>
    /// Takes INSERT, UPDATE, DELETE and TRUNCATE on the audit table from every role but its owner (PUBLIC included): rows
    /// come only through <c>audit_append</c>. Idempotent.
    /// Run with the schema, by its owner: a role that is not the grantor changes nothing.
    /// </summary>
    public static async Task RestrictAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            do $$
            declare
              r record;
            begin
              for r in select distinct a.grantee
                         from pg_class c, aclexplode(c.relacl) a
                        where c.oid = '{Name}'::regclass and a.grantee <> c.relowner
                          and a.privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
              loop
                execute format('revoke insert, update, delete, truncate on {Name} from %s',
                               case when r.grantee = 0 then 'public' else r.grantee::regrole::text end);
              end loop;
            end
            $$;
            """);
        await command.ExecuteNonQueryAsync(ct);
    }
}
