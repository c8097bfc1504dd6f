namespace Platform.Comparisons.Runs;

/// <summary>
/// The transaction-level advisory lock a run holds on its rule from its claim to the end of its transaction: taken by
/// <see cref="RuleRunner"/>, looked for by <see cref="RuleRunReader"/>. A run records its end before it lets the lock go,
/// so a run recorded running whose rule's lock nobody holds is dead.
/// </summary>
internal static class RuleLock
{
    /// <summary>Takes the lock of rule <c>$1</c> for the transaction, or answers false at once if another holds it.</summary>
    public static readonly string Claim = $"select pg_try_advisory_xact_lock({Key("$1")})";

    /// <summary>
    /// Takes the lock of every rule of <c>$1</c> (text[]) that no other session holds, for the transaction, and answers the
    /// rules whose lock another holds (a run under way). The rebuild of the lead table holds them all, so no run appends
    /// lead events under it.
    /// </summary>
    public static readonly string ClaimAll = $"select r from unnest($1::text[]) r where not pg_try_advisory_xact_lock({Key("r")}) order by r";

    /// <summary>
    /// The rules of <c>$1</c> (text[]) whose lock no session of this database holds. pg_locks shows a bigint key as its high
    /// half (<c>classid</c>) and low half (<c>objid</c>) with <c>objsubid</c> 1; reading it takes no lock a run could meet.
    /// </summary>
    public static readonly string Free = $"""
        select r from unnest($1::text[]) r
         where not exists (select 1 from pg_locks l
                            where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                              and l.database = (select oid from pg_database where datname = current_database())
                              and ((l.classid::bigint << 32) | l.objid::bigint) = {Key("r")})
        """;

    private static string Key(string rule) => $"hashtextextended('rule:' || {rule}, 0)";
}
