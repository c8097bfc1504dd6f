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
/// when its configured SQL changed (or it has no fingerprint: a database from before, once). A function is replaced in
/// place (<c>create or replace</c>), which keeps its grants and what depends on it (the audit trigger on its function);
/// a change of a function's arguments or result type is then refused by PostgreSQL, loudly, rather than dropping the
/// dependents as Weasel's <c>drop ... cascade</c> would. A view or trigger is dropped and created, as Weasel does.
/// </summary>
public sealed class Fingerprinted : ISchemaObject
{
    private readonly ISchemaObject configured;
    private readonly string commentOn;
    private readonly string oidOf;
    private readonly string catalog;

    private Fingerprinted(ISchemaObject configured, string commentOn, string oidOf, string catalog)
    {
        this.configured = configured;
        this.commentOn = commentOn;
        this.oidOf = oidOf;
        this.catalog = catalog;
        var creation = new StringWriter();
        configured.WriteCreateStatement(new PostgresqlMigrator(), creation);
        Comment = "platform schema object, sha256 " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(creation.ToString())));
    }

    /// <summary>The comment the object carries once created from this configuration.</summary>
    public string Comment { get; }

    /// <summary>Views, functions and triggers fingerprinted; anything else (tables, which Weasel compares column by column) as it is.</summary>
    public static ISchemaObject Of(ISchemaObject schemaObject) => schemaObject switch
    {
        View view => new Fingerprinted(view, $"view {view.Identifier.QualifiedName}",
            $"to_regclass({Literal(view.Identifier.QualifiedName)})", "pg_class"),
        Function function when Function.ParseSignature(function.Body()) is var signature => new Fingerprinted(function,
            $"function {signature}", $"to_regprocedure({Literal(signature)})", "pg_proc"),
        Trigger trigger => new Fingerprinted(trigger, $"trigger {trigger.Identifier.Name} on {trigger.Target.QualifiedName}",
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
        builder.Append($"select o.oid is not null, obj_description(o.oid, '{catalog}') from (select {oidOf} as oid) o;");

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        await reader.ReadAsync(ct);
        var difference = !reader.GetBoolean(0) ? SchemaPatchDifference.Create
            : !reader.IsDBNull(1) && reader.GetString(1) == Comment ? SchemaPatchDifference.None
            : SchemaPatchDifference.Update;
        return new Delta(this, difference);
    }

    /// <summary>An update writes the object as its creation does: a view or trigger dropped first, a function replaced.</summary>
    private sealed class Delta(Fingerprinted schemaObject, SchemaPatchDifference difference) : ISchemaObjectDelta
    {
        public ISchemaObject SchemaObject => schemaObject;

        public SchemaPatchDifference Difference => difference;

        public void WriteUpdate(Migrator rules, TextWriter writer) => schemaObject.WriteCreateStatement(rules, writer);

        public void WriteRollback(Migrator rules, TextWriter writer)
        {
        }

        public void WriteRestorationOfPreviousState(Migrator rules, TextWriter writer) =>
            throw new NotSupportedException("A platform view, function or trigger is not restored; the migrate that changed it is run again.");
    }
}
