using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Platform.Api.GraphQL;
using Platform.Api.Paging;
using Platform.Comparisons;
using Platform.Comparisons.Leads;

namespace Platform.Api.Leads;

/// <summary>
/// How a field pages leads (<c>leads</c>, and a taxpayer's <c>leads</c>): <c>first</c>, default 50 and at most
/// <c>Comparisons:MaxPageSize</c>, and <c>after</c>, the <c>endCursor</c> of the page before, which is the id of its last
/// lead. Pages are in id order (ids are time-ordered), so they stay disjoint and complete while new leads are raised: a
/// new lead comes after every cursor already given. A bound passed is an INVALID error saying what to ask instead.
/// </summary>
public static class LeadPaging
{
    public const int DefaultFirst = 50;

    /// <summary>Lead ids (UUID version 7 as 32 hexadecimal digits) are the cursors.</summary>
    private const int CursorLength = 32;

    /// <summary>
    /// A page's weight in a request's complexity (GraphQL:MaxComplexity), whatever is selected of it: a count and a page
    /// of leads in reach, two statements and an audit entry. Without it, a page asked for its count alone weighed 2, so a
    /// request of 100 aliased pages (the most fields a selection set may have) passed at about 3 s of the server's time;
    /// now about 40 fit under the bound of 20,000.
    /// </summary>
    public const double PageImpact = 500;

    public static FieldBuilder<TSource, TReturn> PagesLeads<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field.Argument<IntGraphType>("first", $"How many (default {DefaultFirst}, at most Comparisons:MaxPageSize)")
            .Argument<StringGraphType>("after", "The endCursor of the page before")
            .WithComplexityImpact(PageImpact);

    /// <summary>
    /// One page of the leads that match <paramref name="filter"/> in the caller's reach, audited by <paramref name="audit"/>
    /// before it is returned, and then masked as the caller may see it (<see cref="LeadCaller.AsSeenBy"/>).
    /// </summary>
    public static async Task<LeadPage> ReadAsync(IResolveFieldContext context, LeadFilter filter, Func<IReadOnlyList<Lead>, Task> audit)
    {
        var services = context.RequestServices!;
        var first = context.GetArgument("first", DefaultFirst);
        var bounds = new PageBounds(DefaultFirst, services.GetRequiredService<ComparisonOptions>().MaxPageSize, "Comparisons:MaxPageSize", "leads");
        if (bounds.RefuseFirst(first) is { } tooMany)
        {
            throw new ExecutionError(tooMany) { Code = "INVALID" };
        }
        var after = context.GetArgument<string?>("after");
        if (after is not null && !IsCursor(after))
        {
            throw new ExecutionError(PageBounds.RefuseCursor(after, $"{CursorLength} hexadecimal digits")) { Code = "INVALID" };
        }
        var page = await services.GetRequiredService<LeadReader>().PageAsync(filter, LeadReader.Reach.Of(LeadCaller.ActorOf(context.User!)), first, after,
            context.CancellationToken);
        // A page asked for its count and cursors only returns no taxpayer's lead, so it is not audited as a read of them.
        if (context.Selects("nodes"))
        {
            await audit(page.Nodes);
        }
        return page with { Nodes = [.. page.Nodes.Select(l => LeadCaller.AsSeenBy(l, context.User!, services))] };
    }

    private static bool IsCursor(string after) => after.Length == CursorLength && after.All(char.IsAsciiHexDigitLower);
}
