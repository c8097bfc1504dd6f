using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Triggers;
using Weasel.Postgresql.Views;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace Platform.Ingest;

/// <summary>
/// One of the platform's views, functions or triggers, told up to date by a fingerprint of its configured SQL that its
/// creation leaves as the object's comment. Weasel tells a view up to date by comparing PostgreSQL's reprinting of it
/// (<c>pg_get_viewdef</c>) with the configured text word for word, a function by <c>pg_get_functiondef</c>, and neither
/// ever prints what was written: every migrate and every host's start dropped and recreated all of them, each drop
/// waiting for the queries using the object and holding up every query after it. Now an object is written again only
/// when its configured SQL changed (or it has no fingerprint: a database from before, once). A module's objects are
/// fingerprinted in a chain (<see cref="StoreSchema.Add"/>): each fingerprint covers the one before it, so a change to a
/// function rewrites the views and triggers listed after it, which must be where whatever uses it is listed (a view is
/// bound to the function it calls). A function is replaced in place (<c>create or replace</c>: its grants and the
/// trigger on it kept); other versions of its name, left by a change of its arguments, are dropped first with whatever
/// depends on them, which the chain writes again. A view or trigger is dropped and created, as Weasel does.
/// </summary>
public sealed class Fingerprinted : ISchemaObject
{
    private readonly ISchemaObject configured;
    private readonly string commentOn;
    private readonly string oidOf;
    private readonly string catalog;
    private readonly string otherVersions;

    private Fingerprinted(ISchemaObject configured, string? before, string commentOn, string oidOf, string catalog, string otherVersions = "array[]::text[]")
    {
        this.configured = configured;
        this.commentOn = commentOn;
        this.oidOf = oidOf;
        this.catalog = catalog;
        this.otherVersions = otherVersions;
        var creation = new StringWriter();
        configured.WriteCreateStatement(new PostgresqlMigrator(), creation);
        // Line ends as written on any machine, so a checkout with CRLF fingerprints as one with LF.
        var text = before + "\n" + creation.ToString().ReplaceLineEndings("\n");
        Comment = "platform schema object, sha256 " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The comment the object carries once created from this configuration.</summary>
    public string Comment { get; }

    /// <summary>
    /// Views, functions and triggers fingerprinted, after <paramref name="before"/> (the comment of the module's object
    /// listed before, null for its first); anything else (tables, which Weasel compares column by column) as it is.
    /// </summary>
    public static ISchemaObject Of(ISchemaObject schemaObject, string? before = null) => schemaObject switch
    {
        View view => new Fingerprinted(view, before, $"view {view.Identifier.QualifiedName}",
            $"to_regclass({Literal(view.Identifier.QualifiedName)})", "pg_class"),
        Function function when Function.ParseSignature(function.Body()) is var signature => new Fingerprinted(function, before,
            $"function {signature}", $"to_regprocedure({Literal(signature)})", "pg_proc",
            $"array(select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace " +
            $"where n.nspname = {Literal(function.Identifier.Schema)} and p.proname = {Literal(function.Identifier.Name)} and p.oid is distinct from o.oid)"),
        Trigger trigger => new Fingerprinted(trigger, before, $"trigger {trigger.Identifier.Name} on {trigger.Target.QualifiedName}",
            $"(select t.oid from pg_trigger t where t.tgname = {Literal(trigger.Identifier.Name)} and t.tgrelid = to_regclass({Literal(trigger.Target.QualifiedName)}))",
            "pg_trigger"),
        _ => schemaObject,
    };

    private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    public DbObjectName Identifier => configured.Identifier;

    public IEnumerable<DbObjectName> AllNames() => configured.AllNames();

    public void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        configured.WriteCreateStatement(migrator, writer);
        writer.WriteLine($"comment on {commentOn} is {Literal(Comment)};");
    }

    public void WriteDropStatement(Migrator rules, TextWriter writer) => configured.WriteDropStatement(rules, writer);

    public void ConfigureQueryCommand(DbCommandBuilder builder) =>
        builder.Append($"select o.oid is not null, obj_description(o.oid, '{catalog}'), {otherVersions} from (select {oidOf} as oid) o;");

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        await reader.ReadAsync(ct);
        var others = reader.GetFieldValue<string[]>(2);
        var difference = others.Length > 0 ? SchemaPatchDifference.Update
            : !reader.GetBoolean(0) ? SchemaPatchDifference.Create
            : !reader.IsDBNull(1) && reader.GetString(1) == Comment ? SchemaPatchDifference.None
            : SchemaPatchDifference.Update;
        return new Delta(this, difference, others);
    }

    /// <summary>
    /// An update writes the object as its creation does (a view or trigger dropped first, a function replaced), after
    /// dropping a function's other versions with what depends on them.
    /// </summary>
    private sealed class Delta(Fingerprinted schemaObject, SchemaPatchDifference difference, string[] otherVersions) : ISchemaObjectDelta
    {
        public ISchemaObject SchemaObject => schemaObject;

        public SchemaPatchDifference Difference => difference;

        public void WriteUpdate(Migrator rules, TextWriter writer)
        {
            foreach (var other in otherVersions)
            {
                writer.WriteLine($"drop function if exists {other} cascade;");
            }
            schemaObject.WriteCreateStatement(rules, writer);
        }

        public void WriteRollback(Migrator rules, TextWriter writer)
        {
        }

        public void WriteRestorationOfPreviousState(Migrator rules, TextWriter writer) =>
            throw new NotSupportedException("A platform view, function or trigger is not restored; the migrate that changed it is run again.");
    }
}
