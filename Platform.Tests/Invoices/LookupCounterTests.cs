using Platform.Api.Invoices;

namespace Platform.Tests.Invoices;

/// <summary>Which lines the counter's one statement admits, from what it returns (no database).</summary>
public sealed class LookupCounterTests
{
    [Fact]
    public void A_line_is_admitted_while_its_callers_share_and_the_invoices_count_both_last_in_line_order()
    {
        (string, string)[] lines =
        [
            ("new", "a"), ("new", "b"), ("new", "a"), ("new", "a"), ("new", "b"), // a's cap admitted 2 of its 3; the invoice all 4 admitted
            ("three-before", "a"), ("three-before", "b"), ("three-before", "a"), // 3 before: the invoice admits 2 of the 3 its callers' caps let through
            ("at-limit", "a"), // the invoice's row was left alone
        ];
        var counted = new LookupCounter.Counted(
            new() { [("new", "a")] = 2, [("new", "b")] = 2, [("three-before", "a")] = 2, [("three-before", "b")] = 1, [("at-limit", "a")] = 1 },
            new(StringComparer.Ordinal) { ["new"] = 4, ["three-before"] = 6 });

        var admitted = LookupCounter.Admitted(lines, counted, limit: 5, callerLimit: 4);

        const string Yes = "admitted";
        Assert.Equal([Yes, Yes, Yes, LookupCounter.CallerShare, Yes, Yes, Yes, LookupCounter.InvoiceDay, LookupCounter.InvoiceDay],
            admitted.Select(a => a.Spent ?? Yes));
    }

    [Fact]
    public void Each_admitted_line_says_how_many_lookups_its_caller_has_left_today_the_lesser_of_its_share_and_the_invoice_s_day()
    {
        // The invoice was looked up once before today by another caller; a asks twice and b once in this batch.
        var fresh = LookupCounter.Admitted([("k", "a"), ("k", "a"), ("k", "b")],
            new LookupCounter.Counted(new() { [("k", "a")] = 2, [("k", "b")] = 1 }, new(StringComparer.Ordinal) { ["k"] = 4 },
                new() { [("k", "a")] = 2, [("k", "b")] = 1 }),
            limit: 5, callerLimit: 4);
        Assert.Equal([new(null, 3), new(null, 2), new LookupCounter.Admission(null, 1)], fresh);

        // The invoice at 4 and a at 3 of its 4 before: a's first is the day's last, its second is over its share.
        var last = LookupCounter.Admitted([("k", "a"), ("k", "a")],
            new LookupCounter.Counted(new() { [("k", "a")] = 1 }, new(StringComparer.Ordinal) { ["k"] = 5 }, new() { [("k", "a")] = 5 }),
            limit: 5, callerLimit: 4);
        Assert.Equal([new(null, 0), new LookupCounter.Admission(LookupCounter.CallerShare, 0)], last);
    }
}
