using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.Results.Verdicts;

/// <summary>
/// One row of the run-QC thresholds (checkQC's warning-level defaults, editable): keyed by instrument (TracSeq's
/// identifier), flow-cell type as RunParameters.xml gives it and read-1 length.
/// </summary>
public sealed record QcThreshold(
    string Instrument, string FlowcellType, int Read1Cycles, double ClusterPfMillions, double Q30Percent,
    double ReadsPerLaneMillions, double UndeterminedMaxPercent);

public static class QcThresholdRules
{
    public const double DefaultUndeterminedMaxPercent = 9;

    /// <summary>The row for this run: same instrument and flow-cell type, the nearest read-1 length, ties to the longer.</summary>
    public static QcThreshold? Pick(IEnumerable<QcThreshold> rows, string instrument, string? flowcellType, int read1Cycles) =>
        flowcellType is null ? null
        : rows.Where(r => r.Instrument == instrument && r.FlowcellType.Equals(flowcellType, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => Math.Abs(r.Read1Cycles - read1Cycles)).ThenByDescending(r => r.Read1Cycles).FirstOrDefault();

    /// <summary>What is wrong with a table sent to PUT, as (row index, message); empty when it is fine.</summary>
    public static IReadOnlyList<(int Row, string Message)> Problems(IReadOnlyList<QcThreshold?> rows)
    {
        var problems = new List<(int, string)>();
        var keys = new HashSet<(string, string, int)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r is null)
            {
                problems.Add((i, "A row is an object."));
                continue;
            }
            if (!Instruments.IsKnown(r.Instrument))
            {
                problems.Add((i, $"instrument must be one of {string.Join(", ", Instruments.All)}."));
            }
            if (string.IsNullOrWhiteSpace(r.FlowcellType) || r.FlowcellType.Length > 32)
            {
                problems.Add((i, "flowcellType is 1 to 32 characters (as RunParameters.xml names it: SP, S4, 25B, v3, high, …)."));
            }
            if (r.Read1Cycles is < 1 or > ReadCycles.MaxCycles)
            {
                problems.Add((i, "read1Cycles is 1 to 1000."));
            }
            if (r.ClusterPfMillions is < 0 or > 100_000 || r.ReadsPerLaneMillions is < 0 or > 100_000)
            {
                problems.Add((i, "clusterPfMillions and readsPerLaneMillions are 0 to 100000."));
            }
            if (r.Q30Percent is < 0 or > 100 || r.UndeterminedMaxPercent is < 0 or > 100)
            {
                problems.Add((i, "q30Percent and undeterminedMaxPercent are 0 to 100."));
            }
            if (!keys.Add((r.Instrument ?? "", (r.FlowcellType ?? "").ToUpperInvariant(), r.Read1Cycles)))
            {
                problems.Add((i, "The same instrument, flowcellType and read1Cycles are listed twice."));
            }
        }
        return problems;
    }
}
