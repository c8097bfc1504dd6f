using Platform.Api.Invoices;

namespace Platform.Tests.Invoices;

/// <summary>What the counter's one upsert admits of each invoice's lookups, from the count it returns (no database).</summary>
public sealed class LookupCounterTests
{
    [Fact]
    public void Lookups_are_admitted_while_the_count_before_them_is_below_the_limit_and_none_where_the_row_was_left_alone()
    {
        var asked = new Dictionary<string, int> { ["new"] = 7, ["fresh"] = 2, ["three-before"] = 4, ["four-before"] = 1, ["at-limit"] = 3 };
        // What the upsert returned: the count after for each row it added to; the row at its limit was left alone.
        var counted = new Dictionary<string, int> { ["new"] = 7, ["fresh"] = 2, ["three-before"] = 7, ["four-before"] = 5 };

        var admitted = LookupCounter.Admitted(asked, counted, limit: 5);

        Assert.Equal(new Dictionary<string, int> { ["new"] = 5, ["fresh"] = 2, ["three-before"] = 2, ["four-before"] = 1, ["at-limit"] = 0 }, admitted);
    }
}
