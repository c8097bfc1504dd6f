using Platform.Ingest.Submissions;
using Platform.Templates.Validation;

namespace Platform.Tests.Submissions;

/// <summary>The receipt as the fold of a submission's events, without a database.</summary>
public sealed class SubmissionFoldTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static Submission Received() => Submission.Fold(null, new SubmissionReceived("s1", "market-regulator", "business-registrations", 1,
        "2026-10", SubmissionMode.New, "f.csv", "text/csv", "ab", 10, true, "uploads/2026/11/s1.upload", null, "demo-agency", At));

    [Fact]
    public void Batches_add_up_their_rows_problems_and_listed_problems()
    {
        var state = Submission.Fold(Received(), new SubmissionValidationStarted("s1", "utf-8", At));
        state = Submission.Fold(state, new RowsChecked("s1", 1, 2, 5002, 4990, 10, 12, 2, 12, At));
        state = Submission.Fold(state, new RowsChecked("s1", 2, 5002, 7002, 2000, 0, 1, 1, 1, At, Revived: 3));
        Assert.Equal((SubmissionStatus.Validating, 2, 7001, 6990, 10), (state.Status, state.Batches, state.RowsRead, state.RowsAccepted, state.RowsRejected));
        Assert.Equal((13L, 13, 3L, 3, false), (state.ErrorCount, state.ErrorsListed, state.Warnings, state.Revived, state.ErrorReportTruncated));

        state = Submission.Fold(state, new SubmissionAccepted("s1", 7001, 6990, 10, At));
        Assert.Equal(SubmissionStatus.AcceptedWithErrors, state.Status);
    }

    [Fact]
    public void Problem_counts_beyond_two_billion_neither_wrap_nor_hide_the_truncation()
    {
        var state = Received();
        for (var batch = 1; batch <= 3; batch++)
        {
            // A batch of one-cell rows: fourteen problems a row, only the first ones listed.
            state = Submission.Fold(state, new RowsChecked("s1", batch, 2, 3, 0, 1, int.MaxValue, 0, batch == 1 ? 10_000 : 0, At));
        }
        Assert.Equal(3L * int.MaxValue, state.ErrorCount);
        Assert.True(state.ErrorReportTruncated);
    }

    [Fact]
    public void A_rejection_keeps_its_file_problems_as_the_report()
    {
        var problem = new TemplateError("missing-label", 1, "uscc", null, "缺少列", "The column 'uscc' is missing");
        var state = Submission.Fold(Received(), new SubmissionRejected("s1", "表头不符", "The header does not match", [problem, problem], At));
        Assert.Equal((SubmissionStatus.Rejected, 2L, 2, false), (state.Status, state.ErrorCount, state.ErrorsListed, state.ErrorReportTruncated));
    }
}
