using Platform.Ingest.Processing;
using Platform.Ingest.Submissions;
using Platform.Templates.Schema;
using Platform.Templates.Validation;

namespace Platform.Tests.Submissions;

/// <summary>The record-key rules of every mode, as a pure decision over the keys a template holds, without a database.</summary>
public sealed class RecordKeyRulesTests
{
    private const string Key = "91410100MA44LEEX3C|2020-01";

    private static readonly RecordRow Row = new(3, Key, 0, 10);

    private static readonly Dictionary<string, bool> Unknown = [];
    private static readonly Dictionary<string, bool> Held = new() { [Key] = false };
    private static readonly Dictionary<string, bool> Voided = new() { [Key] = true };

    private static RecordKeyDecision Decide(SubmissionMode mode, Dictionary<string, bool> held) => RecordKeyRules.Decide(mode, [Row], held);

    private static void AssertKept(RecordKeyDecision decision)
    {
        Assert.Equal([Row], decision.Kept);
        Assert.Empty(decision.Errors);
    }

    private static TemplateError AssertRefused(RecordKeyDecision decision)
    {
        Assert.Empty(decision.Kept);
        Assert.Empty(decision.Revived);
        var error = Assert.Single(decision.Errors);
        Assert.Equal(("record-key", 3, null, Key, Severity.Error), (error.Code, error.Row, error.Field, error.Value, error.Severity));
        return error;
    }

    [Fact]
    public void New_with_an_unknown_key_is_kept()
    {
        var decision = Decide(SubmissionMode.New, Unknown);
        AssertKept(decision);
        Assert.Empty(decision.Revived);
    }

    [Fact]
    public void New_with_a_held_key_is_a_row_error_that_names_the_row_and_key_and_says_to_send_a_correction()
    {
        var error = AssertRefused(Decide(SubmissionMode.New, Held));
        Assert.Equal($"第3行的记录（{Key}）已报送过；如需更正请以 correct 方式报送。", error.Message);
        Assert.Equal($"Row 3: record {Key} was sent before; send it with mode=correct to change it.", error.MessageEn);
    }

    [Fact]
    public void New_with_a_voided_key_is_kept_and_revives_the_record()
    {
        var decision = Decide(SubmissionMode.New, Voided);
        AssertKept(decision);
        Assert.Equal([Key], decision.Revived);
    }

    [Theory]
    [InlineData(SubmissionMode.Correct)]
    [InlineData(SubmissionMode.Void)]
    public void Correct_and_void_with_a_held_key_are_kept(SubmissionMode mode)
    {
        var decision = Decide(mode, Held);
        AssertKept(decision);
        Assert.Empty(decision.Revived);
    }

    [Theory]
    [InlineData(SubmissionMode.Correct, false)]
    [InlineData(SubmissionMode.Correct, true)]
    [InlineData(SubmissionMode.Void, false)]
    [InlineData(SubmissionMode.Void, true)]
    public void Correct_and_void_with_an_unknown_or_voided_key_are_row_errors_crs_80002(SubmissionMode mode, bool voided)
    {
        var error = AssertRefused(Decide(mode, voided ? Voided : Unknown));
        Assert.Equal($"第3行要更正或作废的记录（{Key}）不存在。", error.Message);
        Assert.Equal($"Row 3: there is no record {Key} to correct or void (CRS 80002).", error.MessageEn);
    }

    [Fact]
    public void Replace_keeps_every_row_whatever_the_template_holds_and_revives_nothing()
    {
        foreach (var held in new[] { Unknown, Held, Voided })
        {
            var decision = Decide(SubmissionMode.Replace, held);
            AssertKept(decision);
            Assert.Empty(decision.Revived);
        }
    }

    [Fact]
    public void A_batch_keeps_its_rows_in_file_order_and_lists_the_refused_ones_in_row_order()
    {
        RecordRow[] rows = [new(2, "a", 0, 10), new(3, "b", 10, 10), new(4, "c", 20, 10), new(5, "d", 30, 10)];
        var decision = RecordKeyRules.Decide(SubmissionMode.New, rows, new Dictionary<string, bool> { ["b"] = false, ["c"] = true, ["d"] = false });
        Assert.Equal([rows[0], rows[2]], decision.Kept);
        Assert.Equal(["c"], decision.Revived);
        Assert.Equal([3, 5], decision.Errors.Select(e => e.Row));
    }

    [Fact]
    public void An_empty_batch_keeps_nothing_and_refuses_nothing()
    {
        var decision = RecordKeyRules.Decide(SubmissionMode.Correct, [], Unknown);
        Assert.Equal((0, 0, 0), (decision.Kept.Count, decision.Revived.Count, decision.Errors.Count));
    }
}
