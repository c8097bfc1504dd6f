using Platform.Ingest;
using Platform.Templates.Checks;
using Weasel.Core;
using Weasel.Postgresql.Functions;

namespace Platform.Comparisons.Rules;

/// <summary>
/// SQL functions the rules share, created with Marten's schema: <c>is_uscc(text)</c>, the GB 32100 check of
/// <see cref="Uscc.Check"/> in SQL, so that a rule tells a business (a valid credit code) from a person (a resident ID,
/// also 18 characters) set-based. A test holds the two equal.
/// </summary>
public static class RuleFunctions
{
    public const string IsUscc = StoreSchema.Name + ".is_uscc";

    public static IEnumerable<ISchemaObject> SchemaObjects()
    {
        var weights = "array[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]";
        yield return Function.ForSql($$"""
            create or replace function {{IsUscc}}(code text) returns boolean
            language sql immutable parallel safe as $$
              select code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'
                 and substr('{{Uscc.Alphabet}}',
                            (31 - (select sum((strpos('{{Uscc.Alphabet}}', substr(code, i, 1)) - 1) * ({{weights}})[i])
                                     from generate_series(1, 17) i)::integer % 31) % 31 + 1, 1) = substr(code, 18, 1)
            $$;
            """);
    }
}
