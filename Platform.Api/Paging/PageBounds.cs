namespace Platform.Api.Paging;

/// <summary>Where a page ends and whether another follows: <c>pageInfo</c> of a paged answer, REST or GraphQL.</summary>
public sealed record PageInfo(bool HasNextPage, string? EndCursor);

/// <summary>
/// How a paged read is asked for, REST or GraphQL: <c>first</c>, <see cref="Default"/> when not given and 1 to
/// <see cref="Max"/> (the option <see cref="Option"/>), and <c>after</c>, the <c>endCursor</c> of the page before. A bound
/// passed is refused with a message saying what to send instead; nothing is clamped.
/// </summary>
public sealed record PageBounds(int Default, int Max, string Option, string What)
{
    /// <summary>Why <paramref name="first"/> is refused, or null when it is within the bounds.</summary>
    public string? RefuseFirst(int first) => first < 1 || first > Max
        ? $"Ask for first: 1 to {Max} {What} ({Option}), not {first}; follow pageInfo.endCursor with after: for the next page."
        : null;

    /// <summary>Why <paramref name="after"/> is refused, when it is not a cursor of this read (<paramref name="expected"/> says what one is).</summary>
    public static string RefuseCursor(string after, string expected) =>
        $"Give after: as the endCursor of the page before ({expected}), not '{(after.Length > 40 ? after[..40] + "…" : after)}'.";
}
