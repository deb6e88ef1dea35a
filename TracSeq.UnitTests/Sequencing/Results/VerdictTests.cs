using TracSeq.Sequencing.Results;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing.Results;

public sealed class VerdictTests
{
    [Theory]
    [InlineData(900_000, 1_000_000, Verdicts.Passed)]
    [InlineData(899_999, 1_000_000, Verdicts.TopUp)]
    [InlineData(100_000, 1_000_000, Verdicts.TopUp)]
    [InlineData(99_999, 1_000_000, Verdicts.Failed)]
    public void A_library_passes_from_90_percent_needs_a_top_up_from_10_and_fails_below(long reads, double target, string verdict) =>
        Verdicts.ForLibrary(reads, target, targetIsSet: true, negativeControl: false).Verdict.ShouldBe(verdict);

    [Fact]
    public void A_negative_control_always_passes_and_its_reads_are_reported()
    {
        var (verdict, reason) = Verdicts.ForLibrary(0, 1_000_000, false, negativeControl: true);

        verdict.ShouldBe(Verdicts.Passed);
        reason.ShouldContain("Negative control");
    }

    [Fact]
    public void A_top_up_run_adds_its_reads_and_turns_top_up_into_passed()
    {
        var first = Verdicts.ForLibrary(500_000, 1_000_000, true, false);
        var both = Verdicts.ForLibrary(500_000 + 450_000, 1_000_000, true, false);

        first.Verdict.ShouldBe(Verdicts.TopUp);
        both.Verdict.ShouldBe(Verdicts.Passed);
        both.Reason.ShouldContain("95 %");
    }

    [Fact]
    public void The_run_verdict_is_its_worst_library()
    {
        Verdicts.ForRun([Verdicts.Passed, Verdicts.TopUp]).ShouldBe(Verdicts.TopUp);
        Verdicts.ForRun([Verdicts.Passed, Verdicts.Failed, Verdicts.TopUp]).ShouldBe(Verdicts.Failed);
        Verdicts.ForRun([]).ShouldBe(Verdicts.Passed);
    }

    private static readonly QcThreshold[] Table =
    [
        new("NovaSeq6000", "S4", 101, 2000, 85, 1500, 9), new("NovaSeq6000", "S4", 151, 2000, 85, 1500, 9),
        new("MiSeq", "v3", 76, 18, 85, 13.5, 9), new("MiSeq", "v3", 151, 18, 80, 13.5, 9), new("MiSeq", "v3", 301, 18, 70, 13.5, 14),
    ];

    [Fact]
    public void Thresholds_are_picked_by_instrument_flow_cell_and_nearest_read_1_ties_to_the_longer()
    {
        QcThresholdRules.Pick(Table, "MiSeq", "v3", 113)!.Read1Cycles.ShouldBe(76);   // 37 from 76, 38 from 151
        QcThresholdRules.Pick(Table, "MiSeq", "v3", 226)!.Read1Cycles.ShouldBe(301);  // 75 from both: the longer
        QcThresholdRules.Pick(Table, "NovaSeq6000", "s4", 36)!.Read1Cycles.ShouldBe(101);
        QcThresholdRules.Pick(Table, "NovaSeq6000", null, 151).ShouldBeNull();
        QcThresholdRules.Pick(Table, "NovaSeqX", "25B", 151).ShouldBeNull();
    }

    [Fact]
    public void Lane_QC_flags_cluster_PF_Q30_reads_per_library_undetermined_and_a_big_unknown_barcode()
    {
        var run = new SimulatedRun().WithLane(1, 3);
        run.Extra.Add((1, "GGGGGGGG", "AGATCTCG", 1_500_000)); // 20 % undetermined, one barcode ≥ 1 %

        var results = run.Results(thresholds: Table);

        var checks = results.Findings.Where(f => f.Label == FindingLabels.LaneQc).Select(f => f.Check).ToList();
        checks.ShouldContain("cluster_pf");            // 7.5 M clusters, below 2000 M
        checks.ShouldContain("q30_read2");             // read 2 at 120/151 = 79 %, below 85 %
        checks.ShouldContain("reads_per_library");     // 2 M each, below 1500 M ÷ 3
        checks.ShouldContain("undetermined");
        checks.ShouldContain("unknown_barcode");
        results.Findings.First(f => f.Check == "undetermined").Threshold.ShouldBe(9);
    }

    [Fact]
    public void Without_RunParameters_the_checks_that_need_the_flow_cell_are_skipped_with_a_warning()
    {
        var run = new SimulatedRun().WithLane(1, 2);
        var job = JobReader.Read("default", run.Files(runParameters: false));

        var results = ResultsCalculator.Compute(run.Context(Table), [job]);

        results.Warnings.ShouldContain(w => w.Contains("No flow-cell type", StringComparison.Ordinal));
        results.Findings.Where(f => f.Check is "cluster_pf" or "reads_per_library").ShouldBeEmpty();
    }

    [Fact]
    public void Expected_fractions_follow_target_reads_within_a_pool_and_split_lanes_between_pools()
    {
        var (p1, p2) = (Guid.NewGuid(), Guid.NewGuid());
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var fractions = ResultsCalculator.ExpectedFractions([
            new RunLibrary(1, p1, a, "A", "ACGTACGT", null, 3_000_000, false, null, null),
            new RunLibrary(1, p1, b, "B", "TGCATGCA", null, 1_000_000, false, null, null),
            new RunLibrary(1, p2, c, "C", "GGCCAATT", null, null, false, null, null),
        ]);

        fractions[(1, a)].ShouldBe(0.375, 1e-9);
        fractions[(1, b)].ShouldBe(0.125, 1e-9);
        fractions[(1, c)].ShouldBe(0.5, 1e-9);
    }

    [Fact]
    public void The_corrected_sheet_applies_confirmed_fixes_and_says_so_in_the_header()
    {
        var run = new SimulatedRun().WithLane(1, 3);
        var library = run.Library(1, 1);
        run.Tube(library, library.Index1, library.Index2);
        var results = run.Results();
        var corrections = CorrectedSheet.Corrections(results);
        var rows = run.Libraries.Select(l => ((short)l.Lane, l.LibraryId, l.Barcode, l.Barcode, l.Index1, l.Index2, (string?)"SIM")).ToList();
        var resultsRun = new ResultsRun(Guid.NewGuid(), "SimRun", run.Instrument, run.Chemistry, run.Flowcell, run.Reads, 1, 1, "completed");

        var v2 = CorrectedSheet.Write(resultsRun, rows, corrections, SampleSheetFormat.V2);
        var v1 = CorrectedSheet.Write(resultsRun, rows, corrections, SampleSheetFormat.V1);

        corrections.ShouldHaveSingleItem();
        // v2 on a NovaSeq 6000 v1.5 writes i5 reverse-complemented; the corrected i5 is the old one's reverse complement,
        // so the sheet now carries the forward sequence the tube really has.
        v2.ShouldContain($"1,{library.Barcode},{library.Index1},{library.Index2}");
        v2.ShouldContain("TracSeqCorrection1,TS-LIB-SIM-101 lane 1: index2");
        v1.ShouldContain("TracSeqCorrection1,");
        v2.IndexOf("TracSeqCorrection1", StringComparison.Ordinal).ShouldBeGreaterThan(v2.IndexOf("[Header]", StringComparison.Ordinal));
    }

    [Fact]
    public void The_threshold_table_refuses_unknown_instruments_bad_ranges_and_duplicate_keys()
    {
        var problems = QcThresholdRules.Problems([
            new QcThreshold("NovaSeq6000", "S4", 151, 2000, 85, 1500, 9), new QcThreshold("NovaSeq6000", "s4", 151, 2000, 85, 1500, 9),
            new QcThreshold("Sanger", "x", 0, -1, 120, 1, 9), null,
        ]);

        problems.Select(p => p.Row).Distinct().Order().ShouldBe([1, 2, 3]);
    }
}
