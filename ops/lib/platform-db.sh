# The platform's database roles and privileges, and the files PostgreSQL and the app's install read. Sourced by
# ops/server/provision (a real host) and by ops/server/test-roles (a throwaway cluster); the functions print SQL or
# file content, or decide, and change nothing themselves.
#   platform_roles_sql OWNER_PW APP_PW   (database postgres, as a superuser) the two roles, made once; the passwords
#                                          are set when a role is created and left alone after
#   platform_grants_sql                  (database platform, as a superuser) schemas owned by platform_owner; for
#                                          platform_app rows only: SELECT/INSERT/UPDATE/DELETE on tables, USAGE/SELECT
#                                          on sequences, EXECUTE on functions, now and (default privileges) for what
#                                          the owner creates later; the audit table SELECT only (rows come through the
#                                          SECURITY DEFINER functions audit_append and audit_append_many). Idempotent.
#   platform_grants_drift_sql            (database platform) one line per privilege that differs from the above;
#                                          nothing when none does
#   platform_pg_hba                      pg_hba.conf: the two roles from localhost with passwords, postgres by peer
#   app_checksum DIR                     one SHA-256 over the relative paths and contents of the files under DIR
#   app_needs_install SRC DEST           exit 0 when DEST is missing or its files differ from SRC's
#   platform_service_action ENABLED N    what the service needs: "start" when not enabled yet (ENABLED 0), "restart"
#                                          when N things it runs on changed (a new build, its unit, its environment),
#                                          else "none"

platform_roles_sql() {
  cat <<SQL
do \$\$
begin
  if not exists (select from pg_roles where rolname = 'platform_owner') then
    create role platform_owner login password '$1' nosuperuser nocreatedb nocreaterole;
  end if;
  if not exists (select from pg_roles where rolname = 'platform_app') then
    create role platform_app login password '$2' nosuperuser nocreatedb nocreaterole;
  end if;
end
\$\$;
SQL
}

platform_grants_sql() {
  cat <<'SQL'
-- Only the owner (the migrate step) creates or drops objects; nobody else may create anything in the database.
revoke create on database platform from public;
revoke create on schema public from public;
create schema if not exists platform authorization platform_owner;
create schema if not exists auth authorization platform_owner;
alter schema platform owner to platform_owner;
alter schema auth owner to platform_owner;
grant connect, temporary on database platform to platform_app;
grant usage on schema platform, auth to platform_app;
revoke create on schema platform, auth from platform_app;
-- What the owner creates later (the migrate step of each new build).
alter default privileges for role platform_owner in schema platform, auth grant select, insert, update, delete on tables to platform_app;
alter default privileges for role platform_owner in schema platform, auth grant usage, select on sequences to platform_app;
alter default privileges for role platform_owner in schema platform, auth grant execute on functions to platform_app;
-- What exists already (a database migrated before these grants).
grant select, insert, update, delete on all tables in schema platform, auth to platform_app;
grant usage, select on all sequences in schema platform, auth to platform_app;
grant execute on all functions in schema platform, auth to platform_app;
-- The audit trail is append-only for the app: the grants above give it INSERT, UPDATE and DELETE, so they are taken
-- back (the migrate step does the same as the table's owner; a trigger refuses changes for every role as well). The app
-- appends through platform.audit_append and audit_append_many (EXECUTE granted with every function above), which run
-- as the table's owner and compute each row's number and digest.
do $$
begin
  if to_regclass('platform.audit_entry') is not null then
    revoke insert, update, delete, truncate, references, trigger on platform.audit_entry from platform_app, public;
  end if;
end
$$;
SQL
}

platform_grants_drift_sql() {
  cat <<'SQL'
select format('%s %s: platform_app %s %s', case when c.relkind = 'S' then 'sequence' else 'table' end,
              c.oid::regclass, case when p.wanted then 'lacks' else 'has' end, p.privilege)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  cross join lateral (
    select priv as privilege,
           case when c.relkind = 'S' then priv in ('USAGE', 'SELECT')
                when c.oid = to_regclass('platform.audit_entry') then priv = 'SELECT'
                else priv <> 'TRUNCATE' end as wanted,
           case when c.relkind = 'S' then has_sequence_privilege('platform_app', c.oid, priv)
                else has_table_privilege('platform_app', c.oid, priv) end as has
      from unnest(case when c.relkind = 'S' then array['USAGE', 'SELECT']
                       else array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] end) priv) p
 where n.nspname in ('platform', 'auth') and c.relkind in ('r', 'p', 'v', 'm', 'S') and p.wanted <> p.has
union all
select format('function %s: platform_app lacks EXECUTE', p.oid::regprocedure)
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
 where n.nspname in ('platform', 'auth') and not has_function_privilege('platform_app', p.oid, 'EXECUTE')
union all
select format('schema %s: %s', s, problem)
  from unnest(array['platform', 'auth']) s,
       lateral (select case
         when not exists (select from pg_namespace where nspname = s) then 'missing'
         when (select nspowner::regrole::text from pg_namespace where nspname = s) <> 'platform_owner' then 'not owned by platform_owner'
         when has_schema_privilege('platform_app', s, 'CREATE') then 'platform_app may create objects'
         when not has_schema_privilege('platform_app', s, 'USAGE') then 'platform_app lacks USAGE'
       end as problem) x
 where problem is not null
union all
select format('default privileges in %s: platform_app lacks %s on %s', s, d.privilege, d.kind)
  from unnest(array['platform', 'auth']) s,
       (values ('r', 'tables', 'SELECT'), ('r', 'tables', 'INSERT'), ('r', 'tables', 'UPDATE'), ('r', 'tables', 'DELETE'),
               ('S', 'sequences', 'USAGE'), ('S', 'sequences', 'SELECT'), ('f', 'functions', 'EXECUTE')) d(objtype, kind, privilege)
 where not exists (
   select from pg_default_acl a join pg_namespace n on n.oid = a.defaclnamespace, aclexplode(a.defaclacl) e
    where n.nspname = s and a.defaclrole = 'platform_owner'::regrole and a.defaclobjtype = d.objtype::"char"
      and e.grantee = 'platform_app'::regrole and e.privilege_type = d.privilege)
union all
select 'database platform: PUBLIC or platform_app may create schemas'
 where has_database_privilege('platform_app', 'platform', 'CREATE');
SQL
}

platform_pg_hba() {
  cat <<'HBA'
# Only the platform's two roles, from this host, with passwords; the postgres superuser by local peer only.
local   all        postgres                         peer
host    platform   platform_owner   127.0.0.1/32    scram-sha-256
host    platform   platform_app     127.0.0.1/32    scram-sha-256
host    all        all              0.0.0.0/0       reject
host    all        all              ::/0            reject
HBA
}

app_checksum() {
  [ -d "$1" ] || { echo none; return 0; }
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)
}

app_needs_install() {
  [ "$(app_checksum "$1")" != "$(app_checksum "$2")" ]
}

platform_service_action() {
  if [ "$1" != 1 ]; then echo start; elif [ "$2" -gt 0 ]; then echo restart; else echo none; fi
}
