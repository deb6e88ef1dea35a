using System.Globalization;
using Prometheus;
using TracSeq.Sequencing.Results.Diagnosis;

namespace TracSeq.Sequencing.Results;

/// <summary>
/// The run-results metrics of the contract, every fixed label value published at 0 from the start. Counted after
/// commit; the undetermined ratio per run and lane is the latest import's.
/// </summary>
public static class ResultsMetrics
{
    public static readonly IReadOnlyList<string> Outcomes = ["created", "unchanged", "refused", "conflict"];

    public static readonly Counter Imports = Metrics.CreateCounter(
        "tracseq_run_results_imports_total", "Run-results imports by outcome (created a version, unchanged = same files again, refused, conflict).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Gauge UndeterminedRatio = Metrics.CreateGauge(
        "tracseq_run_lane_undetermined_ratio", "Undetermined reads ÷ the lane's reads, from the run's latest import.",
        new GaugeConfiguration { LabelNames = ["run", "lane"] });

    public static readonly Counter LibraryVerdicts = Metrics.CreateCounter(
        "tracseq_library_verdicts_total", "Library verdicts given or changed by an import.",
        new CounterConfiguration { LabelNames = ["verdict"] });

    public static readonly Counter Findings = Metrics.CreateCounter(
        "tracseq_demux_findings_total", "Findings of imports: lane QC and the diagnosis labels.",
        new CounterConfiguration { LabelNames = ["label"] });

    public static void PublishInitialSeries()
    {
        foreach (var outcome in Outcomes)
        {
            Imports.WithLabels(outcome);
        }
        foreach (var verdict in Verdicts.Verdicts.All)
        {
            LibraryVerdicts.WithLabels(verdict);
        }
        foreach (var label in FindingLabels.All)
        {
            Findings.WithLabels(label);
        }
    }

    public static void Imported(Guid runId, ResultsDocument document, IEnumerable<string> changedVerdicts)
    {
        Imports.WithLabels("created").Inc();
        foreach (var lane in document.Lanes.Where(l => l.UndeterminedFraction is not null))
        {
            UndeterminedRatio.WithLabels(runId.ToString(), lane.Lane.ToString(CultureInfo.InvariantCulture)).Set(lane.UndeterminedFraction!.Value);
        }
        foreach (var verdict in changedVerdicts)
        {
            LibraryVerdicts.WithLabels(verdict).Inc();
        }
        foreach (var finding in document.Findings)
        {
            Findings.WithLabels(finding.Label).Inc();
        }
    }
}
