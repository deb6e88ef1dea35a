using Prometheus;

namespace TracSeq.Templates.Submissions;

/// <summary>
/// The submission metrics of the product contract. Outcomes: accepted (committed), rejected (invalid rows, nothing
/// committed; alert SubmissionRejectionsHigh reads this one), dry_run (checked only), failed (Samples unavailable).
/// </summary>
public static class SubmissionMetrics
{
    public static readonly IReadOnlyList<string> Outcomes =
        [SubmissionOutcome.Accepted, SubmissionOutcome.Rejected, SubmissionOutcome.DryRun, SubmissionOutcome.Failed];

    public static readonly Counter Submissions = Metrics.CreateCounter(
        "tracseq_submissions_total", "Spreadsheet submissions, by outcome (accepted, rejected, dry_run, failed).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Counter RowsRejected = Metrics.CreateCounter(
        "tracseq_submission_rows_rejected_total", "Rows of rejected submissions that had at least one error.");

    /// <summary>Every series at zero from the start, so rate() and the alert's ratio see them before the first upload.</summary>
    public static void PublishInitialSeries()
    {
        foreach (var outcome in Outcomes)
        {
            Submissions.WithLabels(outcome);
        }
        RowsRejected.Inc(0);
    }

    public static void Count(string outcome, int rowsRejected)
    {
        Submissions.WithLabels(outcome).Inc();
        if (outcome == SubmissionOutcome.Rejected)
        {
            RowsRejected.Inc(rowsRejected);
        }
    }
}
