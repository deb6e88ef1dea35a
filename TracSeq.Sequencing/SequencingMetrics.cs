using Prometheus;

namespace TracSeq.Sequencing;

/// <summary>
/// The sequencing metrics of the product contract, every label value published at 0 from the start so rate() and
/// the RunFailed alert see the series before the first event. Counted after commit, never for rolled-back work.
/// </summary>
public static class SequencingMetrics
{
    public static readonly IReadOnlyList<string> CollisionPlaces = ["pool", "run", "check"];
    public static readonly IReadOnlyList<string> RunStatuses = ["planned", "sequencing", "completed", "failed", "cancelled"];
    public static readonly IReadOnlyList<string> QcTypes = ["qubit", "nanodrop", "bioanalyzer", "tapestation", "qpcr", "fragment_analyzer", "other"];
    public static readonly IReadOnlyList<string> QcOutcomes = ["pass", "fail", "borderline"];

    public static readonly Counter LibrariesCreated = Metrics.CreateCounter(
        "tracseq_libraries_created_total", "Libraries made from samples.");

    public static readonly Counter IndexCollisions = Metrics.CreateCounter(
        "tracseq_index_collisions_total", "Colliding index pairs found, by where the check ran (pool, run lane, explicit check).",
        new CounterConfiguration { LabelNames = ["where"] });

    public static readonly Counter Runs = Metrics.CreateCounter(
        "tracseq_runs_total", "Runs reaching a status (planned when created; RunFailed reads failed).",
        new CounterConfiguration { LabelNames = ["status"] });

    public static readonly Counter QcResults = Metrics.CreateCounter(
        "tracseq_qc_results_total", "QC measurements recorded, by type and outcome.",
        new CounterConfiguration { LabelNames = ["type", "outcome"] });

    public static void PublishInitialSeries()
    {
        LibrariesCreated.Inc(0);
        foreach (var where in CollisionPlaces)
        {
            IndexCollisions.WithLabels(where);
        }
        foreach (var status in RunStatuses)
        {
            Runs.WithLabels(status);
        }
        foreach (var type in QcTypes)
        {
            foreach (var outcome in QcOutcomes)
            {
                QcResults.WithLabels(type, outcome);
            }
        }
    }
}
