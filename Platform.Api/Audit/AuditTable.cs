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
/// <item><c>audit_append_many(...)</c>: the same for a batch of entries, with the same rights: the lock taken and the head
/// read once, the entries' canonical forms computed by one statement and chained in order, and inserted by one
/// statement.</item>
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

        // The subjects of the canonical form, each as a field. Not SQL but PL/pgSQL, so that audit_canonical, which calls it,
        // is one expression without a subquery: PostgreSQL then inlines audit_canonical into audit_append_many's one
        // statement over a batch instead of starting an executor for it per entry (most of an append's cost before). No
        // SET clause (a fixed search path costs a configuration change per call): it names only built-ins and
        // audit_field, schema-qualified, and has no rights of its own.
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_subject_fields(subjects text[]) returns text
            language plpgsql stable parallel safe as $$
            declare
              v text := '';
              s text;
            begin
              foreach s in array coalesce(subjects, '{}') loop
                v := v || {{StoreSchema.Name}}.audit_field(s);
              end loop;
              return v;
            end
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
                || {{StoreSchema.Name}}.audit_subject_fields(subjects)
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
              -- Planned at each call (a dynamic statement) rather than once a session: a plan cached while the trail was nearly
              -- empty read the whole trail for its head at every later call until an analyze (ops/bench invoices, 2026-12-02).
              execute 'select seq, digest from {{Name}} order by seq desc limit 1' into v_seq, v_prev;
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

        // A batch's entries as rows, in the arrays' order (i from 1), each with its own slice of p_subjects. SQL that
        // PostgreSQL inlines into the statement that calls it.
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_batch_entries(p_at timestamptz[], p_actor text[], p_role text[],
              p_agency text[], p_address text[], p_operation text[], p_subject_counts integer[], p_subjects text[],
              p_row_count bigint[], p_purpose text[])
            returns table (i bigint, at timestamptz, actor text, role text, agency text, address text, operation text, subjects text[],
                           row_count bigint, purpose text)
            language sql stable parallel safe as $$
              select e.i, e.at, e.actor, e.role, e.agency, e.address, e.operation,
                     coalesce(p_subjects[(e.ends - e.subject_count + 1)::integer : e.ends::integer], '{}'), e.row_count, e.purpose
                from (select u.*, sum(u.subject_count) over (order by u.i) as ends
                        from unnest(p_at, p_actor, p_role, p_agency, p_address, p_operation, p_subject_counts, p_row_count, p_purpose)
                             with ordinality u(at, actor, role, agency, address, operation, subject_count, row_count, purpose, i)) e
            $$;
            """);

        // The same chain for a batch: the lock taken and the head read once; every entry's canonical form up to the digest
        // before it computed by one statement (audit_canonical inlined, with '' for that digest, which the form ends with);
        // then a loop that only hashes, each entry after the one before it, in the arrays' order; and all inserted by one
        // statement. One element per entry in every array but p_subjects, which holds the entries' subjects one after
        // another (p_subject_counts[i] of them for entry i).
        yield return Function.ForSql($$"""
            create or replace function {{StoreSchema.Name}}.audit_append_many(p_at timestamptz[], p_actor text[], p_role text[],
              p_agency text[], p_address text[], p_operation text[], p_subject_counts integer[], p_subjects text[],
              p_row_count bigint[], p_purpose text[]) returns bigint
            language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
            declare
              v_count integer := coalesce(cardinality(p_at), 0);
              v_seq bigint;
              v_prev text;
              v_first bigint;
              v_heads text[];
              v_prevs text[];
              v_digests text[];
            begin
              if v_count = 0 then
                return null;
              end if;
              if array[cardinality(p_actor), cardinality(p_role), cardinality(p_agency), cardinality(p_address), cardinality(p_operation),
                       cardinality(p_subject_counts), cardinality(p_row_count), cardinality(p_purpose)] is distinct from array_fill(v_count, array[8])
                 or array_position(p_subject_counts, null) is not null
                 or (select sum(c) from unnest(p_subject_counts) c) <> coalesce(cardinality(p_subjects), 0)
                 or exists (select from unnest(p_subject_counts) c where c < 0) then
                raise exception 'audit_append_many: pass one element per entry in every array but p_subjects, and in p_subjects the entries'' subjects one after another, as many as p_subject_counts says'
                  using errcode = '22023';
              end if;
              perform pg_advisory_xact_lock(1096107092, 0);
              -- Planned at each call (a dynamic statement) rather than once a session: a plan cached while the trail was nearly
              -- empty read the whole trail for its head at every later call until an analyze (ops/bench invoices, 2026-12-02).
              execute 'select seq, digest from {{Name}} order by seq desc limit 1' into v_seq, v_prev;
              v_first := coalesce(v_seq, 0) + 1;
              v_prev := coalesce(v_prev, repeat('0', 64));
              select array_agg({{StoreSchema.Name}}.audit_canonical(v_first + e.i - 1, e.at, e.actor, e.role, e.agency, e.address, e.operation,
                                 e.subjects, e.row_count, e.purpose, '') order by e.i)
                into v_heads
                from {{StoreSchema.Name}}.audit_batch_entries(p_at, p_actor, p_role, p_agency, p_address, p_operation, p_subject_counts, p_subjects,
                                                      p_row_count, p_purpose) e;
              v_prevs := array_fill(null::text, array[v_count]);
              v_digests := array_fill(null::text, array[v_count]);
              for i in 1 .. v_count loop
                v_prevs[i] := v_prev;
                v_prev := encode(sha256(convert_to(v_heads[i] || v_prev, 'UTF8')), 'hex');
                v_digests[i] := v_prev;
              end loop;
              insert into {{Name}} (seq, at, actor, role, agency, address, operation, subjects, row_count, purpose, prev_digest, digest)
              select v_first + e.i - 1, e.at, e.actor, e.role, e.agency, e.address, e.operation, e.subjects, e.row_count, e.purpose,
                     v_prevs[e.i], v_digests[e.i]
                from {{StoreSchema.Name}}.audit_batch_entries(p_at, p_actor, p_role, p_agency, p_address, p_operation, p_subject_counts, p_subjects,
                                                      p_row_count, p_purpose) e;
              return v_first + v_count - 1;
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
    /// come only through <c>audit_append</c> and <c>audit_append_many</c>. Idempotent.
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
