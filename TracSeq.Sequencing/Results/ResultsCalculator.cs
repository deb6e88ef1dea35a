using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.Sequencing.Results;

/// <summary>
/// Turns the jobs of a run's current version into lanes, libraries, unmatched rows and findings. Jobs are merged: each
/// job demultiplexes every cluster of its lanes, so a lane's total is the largest job total, its assigned reads the sum
/// of every job's samples, and one job's unknown barcodes that are another job's samples are not unknown. Results join
/// the run's libraries by (Lane, Sample_ID), Sample_ID being the library barcode TracSeq wrote, never by index text.
/// </summary>
public static class ResultsCalculator
{
    public static ResultsDocument Compute(RunContext run, IReadOnlyList<JobData> jobs)
    {
        var warnings = jobs.SelectMany(j => j.Warnings.Select(w => jobs.Count > 1 ? $"{j.Job}: {w}" : w)).ToList();
        foreach (var job in jobs)
        {
            CheckCycles(run, job, warnings);
        }
        var unmatched = new List<UnmatchedDto>();
        var perLibrary = SumByLibrary(run, jobs, unmatched);
        var quality = QualityByJob(jobs);
        var (lanes, laneTotals) = LaneResults(run, jobs, quality, warnings);
        var flowcellType = jobs.Select(j => j.Parameters?.FlowcellType).FirstOrDefault(t => t is not null);
        var jobDtos = jobs.Select(j => new JobDto(j.Job, [], j.Parameters?.FlowcellType, j.Completion?.Status, j.Completion?.Error)).ToList();
        if (lanes.Count == 0)
        {
            return new ResultsDocument(warnings, unmatched, [], [], [], jobDtos, flowcellType);
        }
        var (libraries, laneLibraries) = LibraryResults(run, perLibrary, quality, laneTotals);
        if (jobs.SelectMany(j => j.Demux).Any() && laneLibraries.Count(l => l.Reads == 0 && laneTotals.ContainsKey(l.Lane)) is var missing and > 0)
        {
            warnings.Add($"{missing} of the run's libraries have no row in the reports (0 reads).");
        }
        var runInfo = jobs[0].RunInfo;
        var unknowns = jobs.SelectMany(j => j.Unknown).ToList();
        var diagnosis = DemuxDiagnosis.Run(new DemuxDiagnosis.Input(ReadingOf(run, runInfo), laneLibraries, laneTotals, unknowns, run.KitWells, run.Elsewhere));
        warnings.AddRange(diagnosis.Warnings);
        var threshold = QcThresholdRules.Pick(
            run.Thresholds, run.Instrument, flowcellType, runInfo.Read1Cycles > 0 ? runInfo.Read1Cycles : run.Reads.Read1Cycles);
        var laneQc = LaneQc.Check(threshold, flowcellType,
            [.. lanes.Select(l => new LaneQc.LaneFigures(
                l.Lane, l.TotalReads, l.ClustersPf, l.UndeterminedFraction, [.. l.Q30ByRead.Select(r => (r.Read, r.Q30Fraction))]))],
            laneLibraries, unknowns, warnings);
        foreach (var c in jobs.Select(j => j.Completion).OfType<CompletionData>().Where(c => !c.CompletedAsPlanned).Take(1))
        {
            warnings.Add($"The instrument reports the run as {c.Status}{(c.Error is null ? "" : ": " + c.Error)}.");
        }
        return new ResultsDocument(warnings, unmatched, lanes, libraries, [.. laneQc, .. diagnosis.Findings], jobDtos, flowcellType);
    }

    /// <summary>One library's reads on one lane, summed over the jobs (null: no job reported the figure).</summary>
    private readonly record struct Counts(long Reads, long Perfect, long One, long? Two, long? Yield, long? Q30);

    /// <summary>Every job's sample rows summed per (lane, library); rows of no library on that lane go to <paramref name="unmatched"/>.</summary>
    private static Dictionary<(int, Guid), Counts> SumByLibrary(RunContext run, IReadOnlyList<JobData> jobs, List<UnmatchedDto> unmatched)
    {
        var onLane = run.Libraries.GroupBy(l => (l.Lane, l.Barcode)).ToDictionary(g => g.Key, g => g.First());
        var perLibrary = new Dictionary<(int, Guid), Counts>();
        foreach (var row in jobs.SelectMany(j => j.Demux).Where(r => !r.IsUndetermined))
        {
            if (!onLane.TryGetValue((row.Lane, row.SampleId), out var library))
            {
                unmatched.Add(new UnmatchedDto(row.Lane, row.SampleId, row.Reads));
                continue;
            }
            var before = perLibrary.GetValueOrDefault((row.Lane, library.LibraryId));
            perLibrary[(row.Lane, library.LibraryId)] = new(before.Reads + row.Reads, before.Perfect + row.PerfectReads, before.One + row.OneMismatchReads,
                Add(before.Two, row.TwoMismatchReads), Add(before.Yield, row.Yield), Add(before.Q30, row.YieldQ30));
        }
        return perLibrary;
    }

    /// <summary>Each lane in the reports with its totals and quality, and the total expected reads are shares of.</summary>
    private static (List<LaneResultDto> Lanes, Dictionary<int, long> Totals) LaneResults(
        RunContext run, IReadOnlyList<JobData> jobs, List<QualityRow> quality, List<string> warnings)
    {
        var laneIds = run.Libraries.Select(l => l.Lane).ToHashSet();
        var lanes = new List<LaneResultDto>();
        var laneTotals = new Dictionary<int, long>();
        foreach (var lane in jobs.SelectMany(j => j.Demux).Select(r => r.Lane).Distinct().Order())
        {
            var (total, assigned) = LaneTotals(jobs, lane);
            if (total is null)
            {
                warnings.Add($"Lane {lane}: no Undetermined row, so the lane's total and undetermined reads are unknown; " +
                    "expected reads use the assigned reads.");
            }
            laneTotals[lane] = total ?? assigned;
            var clusters = jobs.Select(j => j.ClustersPf.TryGetValue(lane, out var c) ? c : (long?)null).Max() ?? total;
            var byRead = quality.Where(q => q.Lane == lane).GroupBy(q => q.ReadNumber).OrderBy(g => g.Key)
                .Where(g => g.Sum(q => q.Yield) > 0).Select(g => new ReadQ30Dto(g.Key, Round((double)g.Sum(q => q.YieldQ30) / g.Sum(q => q.Yield)))).ToList();
            var laneYield = quality.Where(q => q.Lane == lane).Sum(q => q.Yield);
            lanes.Add(new LaneResultDto(lane, total, assigned, total is null ? null : total - assigned,
                total is > 0 ? Round((double)(total.Value - assigned) / total.Value) : null, clusters,
                laneYield > 0 ? Round((double)quality.Where(q => q.Lane == lane).Sum(q => q.YieldQ30) / laneYield) : null, byRead));
            if (!laneIds.Contains(lane))
            {
                warnings.Add($"Lane {lane} is in the results but the run has no pool on it: its samples are listed as unmatched.");
            }
        }
        return (lanes, laneTotals);
    }

    /// <summary>Each library of the run with its reads, quality and expected share; and the same as the diagnosis reads them.</summary>
    private static (List<LibraryResultDto> Results, List<LaneLibrary> ForDiagnosis) LibraryResults(
        RunContext run, Dictionary<(int, Guid), Counts> perLibrary, List<QualityRow> quality, Dictionary<int, long> laneTotals)
    {
        var qualityOf = quality.ToLookup(q => (q.Lane, q.SampleId));
        var expected = ExpectedFractions(run.Libraries);
        var libraries = new List<LibraryResultDto>();
        var laneLibraries = new List<LaneLibrary>();
        foreach (var l in run.Libraries.OrderBy(l => l.Lane).ThenBy(l => l.Barcode, StringComparer.Ordinal))
        {
            var f = perLibrary.GetValueOrDefault((l.Lane, l.LibraryId));
            var laneTotal = laneTotals.GetValueOrDefault(l.Lane);
            var fraction = expected[(l.Lane, l.LibraryId)];
            var q = qualityOf[(l.Lane, l.Barcode)].ToList();
            var (yield, q30) = q.Count > 0 ? (q.Sum(r => r.Yield), (long?)q.Sum(r => r.YieldQ30)) : (f.Yield, f.Q30);
            libraries.Add(new LibraryResultDto(l.Lane, l.LibraryId, l.Barcode, f.Reads, f.Perfect, f.One, f.Two, yield,
                yield is > 0 && q30 is { } good ? Round((double)good / yield.Value) : null,
                laneTotal > 0 ? Round((double)f.Reads / laneTotal) : null, Round(fraction), Math.Round(fraction * laneTotal), l.NegativeControl, null, null));
            laneLibraries.Add(new LaneLibrary(
                l.Lane, l.LibraryId, l.Barcode, l.Index1, l.Index2, f.Reads, fraction * laneTotal, l.NegativeControl, l.KitName, l.Well));
        }
        return (libraries, laneLibraries);
    }

    /// <summary>How the instrument read the indices: the cycles RunInfo.xml reports (the planned ones if it has none) and the i5 orientation.</summary>
    private static IndexReading ReadingOf(RunContext run, RunInfoData runInfo) => new(
        I5Orientation.IsReverseComplementWorkflow(run.Instrument, run.Chemistry) || runInfo.Index2ReverseComplement,
        runInfo.Index1Cycles > 0 ? runInfo.Index1Cycles : run.Reads.Index1Cycles, runInfo.Index2Cycles > 0 ? runInfo.Index2Cycles : run.Reads.Index2Cycles);

    private static void CheckCycles(RunContext run, JobData job, List<string> warnings)
    {
        var info = job.RunInfo;
        var planned = run.Reads;
        if (info.Read1Cycles != planned.Read1Cycles || info.Read2Cycles != planned.Read2Cycles ||
            info.Index1Cycles != planned.Index1Cycles || info.Index2Cycles != planned.Index2Cycles)
        {
            warnings.Add($"RunInfo.xml reads {info.Read1Cycles}+{info.Index1Cycles}+{info.Index2Cycles}+{info.Read2Cycles} cycles; the run was planned with " +
                $"{planned.Read1Cycles}+{planned.Index1Cycles}+{planned.Index2Cycles}+{planned.Read2Cycles}.");
        }
    }

    /// <summary>A lane's total (the largest job total that includes an Undetermined row; null when none has one) and assigned reads.</summary>
    private static (long? Total, long Assigned) LaneTotals(IReadOnlyList<JobData> jobs, int lane)
    {
        long? total = null;
        long assigned = 0;
        foreach (var job in jobs)
        {
            var rows = job.Demux.Where(r => r.Lane == lane).ToList();
            assigned += rows.Where(r => !r.IsUndetermined).Sum(r => r.Reads);
            if (rows.Any(r => r.IsUndetermined))
            {
                total = Math.Max(total ?? 0, rows.Sum(r => r.Reads));
            }
        }
        return (total is null ? null : Math.Max(total.Value, assigned), assigned);
    }

    /// <summary>Quality rows of one job per lane (the first job that has them): jobs read the same clusters, so they are not added up.</summary>
    private static List<QualityRow> QualityByJob(IReadOnlyList<JobData> jobs)
    {
        var rows = new List<QualityRow>();
        var lanes = new HashSet<int>();
        foreach (var job in jobs)
        {
            var jobLanes = job.Quality.Select(q => q.Lane).Where(l => !lanes.Contains(l)).ToHashSet();
            rows.AddRange(job.Quality.Where(q => jobLanes.Contains(q.Lane)));
            lanes.UnionWith(jobLanes);
        }
        // a sample demultiplexed by another job has its quality rows there
        var seen = rows.Select(r => (r.Lane, r.SampleId)).ToHashSet();
        foreach (var job in jobs)
        {
            var added = job.Quality
                .Where(q => !q.SampleId.Equals("Undetermined", StringComparison.OrdinalIgnoreCase) && !seen.Contains((q.Lane, q.SampleId)))
                .ToList();
            rows.AddRange(added);
            seen.UnionWith(added.Select(q => (q.Lane, q.SampleId)));
        }
        return rows;
    }

    /// <summary>
    /// Each library's expected fraction of its lane: the lane split equally between its pools, each pool's share split by
    /// the libraries' targetReads when every library of the pool has one, equally otherwise.
    /// </summary>
    public static Dictionary<(int Lane, Guid LibraryId), double> ExpectedFractions(IReadOnlyList<RunLibrary> libraries)
    {
        var result = new Dictionary<(int, Guid), double>();
        foreach (var lane in libraries.GroupBy(l => l.Lane))
        {
            var pools = lane.GroupBy(l => l.PoolId).ToList();
            foreach (var pool in pools)
            {
                var members = pool.DistinctBy(l => l.LibraryId).ToList();
                var targets = members.All(m => m.TargetReads is > 0) ? members.Sum(m => (double)m.TargetReads!.Value) : 0;
                foreach (var m in members)
                {
                    var share = targets > 0 ? m.TargetReads!.Value / targets : 1.0 / members.Count;
                    result[(lane.Key, m.LibraryId)] = result.GetValueOrDefault((lane.Key, m.LibraryId)) + share / pools.Count;
                }
            }
        }
        return result;
    }

    private static long? Add(long? a, long? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);

    private static double Round(double value) => Math.Round(value, 6);
}
