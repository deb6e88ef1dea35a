using System.Globalization;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;

namespace TracSeq.Sequencing.Results.Verdicts;

/// <summary>
/// Lane QC (contract §3): cluster PF, ≥ Q30 per read, reads per library (the table's reads per lane ÷ the libraries on
/// the lane), undetermined fraction and any single unknown barcode of ≥ 1 % of the lane. A check whose input is missing
/// is skipped with a warning, never guessed.
/// </summary>
public static class LaneQc
{
    public sealed record LaneFigures(
        int Lane, long? TotalReads, long? ClustersPf, double? UndeterminedFraction, IReadOnlyList<(int Read, double Q30)> Q30ByRead);

    public static IReadOnlyList<Finding> Check(
        QcThreshold? threshold, string? flowcellType, IReadOnlyList<LaneFigures> lanes, IReadOnlyList<LaneLibrary> libraries,
        IReadOnlyList<UnknownBarcode> unknowns, List<string> warnings)
    {
        var findings = new List<Finding>();
        if (threshold is null)
        {
            warnings.Add(flowcellType is null
                ? "No flow-cell type (RunParameters.xml missing or silent): the cluster PF, Q30 and reads-per-library checks were skipped."
                : $"No QC thresholds for flow-cell type {flowcellType} on this instrument: the cluster PF, Q30 and reads-per-library checks were skipped.");
        }
        var undeterminedMax = (threshold?.UndeterminedMaxPercent ?? QcThresholdRules.DefaultUndeterminedMaxPercent) / 100;
        foreach (var lane in lanes)
        {
            if (threshold is not null)
            {
                CheckThresholds(threshold, lane, [.. libraries.Where(l => l.Lane == lane.Lane)], findings);
            }
            if (lane.UndeterminedFraction is { } u && u > undeterminedMax)
            {
                findings.Add(Qc(lane.Lane, "undetermined", undeterminedMax * 100, Math.Round(u * 100, 2),
                    $"Lane {lane.Lane}: {u * 100:0.##} % of reads undetermined, above {undeterminedMax * 100:0.##} %."));
            }
            if (lane.TotalReads is { } total && total > 0)
            {
                CheckUnknowns(lane.Lane, total, unknowns, findings);
            }
        }
        return findings;
    }

    /// <summary>The flow cell's thresholds: cluster PF, ≥ Q30 per read, and reads per library (negative controls excepted).</summary>
    private static void CheckThresholds(QcThreshold threshold, LaneFigures lane, List<LaneLibrary> judged, List<Finding> findings)
    {
        if (lane.ClustersPf is { } pf && pf < threshold.ClusterPfMillions * 1e6)
        {
            findings.Add(Qc(lane.Lane, "cluster_pf", threshold.ClusterPfMillions, pf / 1e6,
                $"Lane {lane.Lane}: {pf / 1e6:0.##} M clusters passed filter, below {threshold.ClusterPfMillions} M."));
        }
        foreach (var (read, q30) in lane.Q30ByRead.Where(r => r.Q30 * 100 < threshold.Q30Percent))
        {
            findings.Add(Qc(lane.Lane, $"q30_read{read}", threshold.Q30Percent, Math.Round(q30 * 100, 2),
                $"Lane {lane.Lane}, read {read}: {q30 * 100:0.##} % of bases ≥ Q30, below {threshold.Q30Percent} %."));
        }
        if (judged.Count == 0)
        {
            return;
        }
        var perLibrary = threshold.ReadsPerLaneMillions * 1e6 / judged.Count;
        foreach (var l in judged.Where(l => !l.NegativeControl && l.Reads < perLibrary))
        {
            findings.Add(Qc(lane.Lane, "reads_per_library", Math.Round(perLibrary / 1e6, 4), Math.Round(l.Reads / 1e6, 4),
                $"{l.Barcode}: {l.Reads / 1e6:0.###} M reads, below {perLibrary / 1e6:0.###} M " +
                $"({threshold.ReadsPerLaneMillions} M ÷ {judged.Count} libraries).")
                with { LibraryId = l.LibraryId, LibraryBarcode = l.Barcode });
        }
    }

    /// <summary>Any single unknown barcode of at least 1 % of the lane.</summary>
    private static void CheckUnknowns(int lane, long total, IReadOnlyList<UnknownBarcode> unknowns, List<Finding> findings)
    {
        foreach (var b in unknowns.Where(b => b.Lane == lane && b.Reads >= DemuxDiagnosis.SignificantShare * total))
        {
            findings.Add(Qc(lane, "unknown_barcode", 1, Math.Round(100.0 * b.Reads / total, 2),
                $"Lane {lane}: unknown barcode {b.Index}{(b.Index2 is null ? "" : "+" + b.Index2)} " +
                $"holds {100.0 * b.Reads / total:0.##} % of the lane (≥ 1 %).")
                with { Index = b.Index, Index2 = b.Index2, Reads = b.Reads });
        }
    }

    private static Finding Qc(int lane, string check, double threshold, double value, string fix) =>
        new(FindingLabels.LaneQc, null, lane, null, null, null, null, null, null, null, fix.ToString(CultureInfo.InvariantCulture))
        { Check = check, Threshold = threshold, Value = value };
}
