using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Results;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Runs;

namespace TracSeq.UnitTests.Sequencing.Results;

/// <summary>
/// Each case plans a run (two lanes of four libraries from the SIM-UD kit), writes its sheet, hides one known mistake
/// in a tube and lets the imitated demultiplexer write the reports; the diagnosis must name the mistake and the fix.
/// </summary>
public sealed class DiagnosisTests
{
    private static SimulatedRun Run(string instrument = Instruments.NovaSeq6000, string? chemistry = Instruments.ChemistryV15)
    {
        var run = new SimulatedRun { Instrument = instrument, Chemistry = chemistry };
        run.WithLane(1, 4, firstWell: 0).WithLane(2, 4, firstWell: 4);
        // background noise every lane has: a few hundred reads each under random barcodes
        for (var i = 0; i < 40; i++)
        {
            run.Extra.Add((1 + i % 2, Random(i, 8), Random(i + 1000, 8), 300 + i));
        }
        return run;
    }

    private static string Random(int seed, int length)
    {
        var r = new Random(seed);
        return new string([.. Enumerable.Range(0, length).Select(_ => "ACGT"[r.Next(4)])]);
    }

    private static Finding Only(ResultsDocument results, RunLibrary library)
    {
        var findings = results.Findings.Where(f => f.LibraryId == library.LibraryId && f.Label != FindingLabels.LaneQc).ToList();
        findings.Count.ShouldBe(1, string.Join("; ", results.Findings.Select(f => $"{f.Label} {f.LibraryBarcode} {f.Index}+{f.Index2}")));
        return findings[0];
    }

    private static void NoOtherWeakLibrary(ResultsDocument results, params RunLibrary[] mistaken)
    {
        var ids = mistaken.Select(m => m.LibraryId).ToHashSet();
        results.Findings.Where(f => f.LibraryId is { } id && !ids.Contains(id) && f.Label != FindingLabels.LaneQc).ShouldBeEmpty();
    }

    [Fact]
    public void R1_i5_read_the_other_way_round_is_i5_orientation_with_the_reverse_complement_as_fix()
    {
        var run = Run();
        var library = run.Library(1, 1);
        run.Tube(library, library.Index1, library.Index2); // the instrument reads RC; the tube gives the forward

        var results = run.Results();

        var finding = Only(results, library);
        finding.Label.ShouldBe(FindingLabels.I5Orientation);
        finding.Strength.ShouldBe(Strengths.Confirmed);
        finding.Reads.ShouldBe(SimulatedRun.ReadsPerLibrary);
        finding.Index.ShouldBe(library.Index1);
        finding.Index2.ShouldBe(library.Index2);
        finding.Corrections.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            c => c.Field.ShouldBe("index2"), c => c.From.ShouldBe(library.Index2), c => c.To.ShouldBe(IndexSequence.ReverseComplement(library.Index2!)));
        finding.Fix!.ShouldContain("i5 was read in reverse complement");
        NoOtherWeakLibrary(results, library);
    }

    [Fact]
    public void R1_on_a_NovaSeq_X_uses_the_RunInfo_orientation()
    {
        var run = Run(Instruments.NovaSeqX, null);
        var library = run.Library(2, 5);
        run.Tube(library, library.Index1, library.Index2);

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.I5Orientation);
        finding.Strength.ShouldBe(Strengths.Confirmed);
    }

    [Fact]
    public void R2_reverse_complemented_i7()
    {
        var run = Run();
        var library = run.Library(1, 2);
        run.Tube(library, IndexSequence.ReverseComplement(library.Index1), run.Sequenced(library.Index2!));

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.I7ReverseComplemented);
        finding.Form.ShouldBe("(rc i7, i5)");
        finding.Corrections.ShouldHaveSingleItem().To.ShouldBe(IndexSequence.ReverseComplement(library.Index1));
    }

    [Fact]
    public void R3_i7_and_i5_swapped()
    {
        var run = Run();
        var library = run.Library(1, 3);
        run.Tube(library, run.Sequenced(library.Index2!), library.Index1);

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.IndicesSwapped);
        finding.Corrections.Select(c => c.Field).ShouldBe(["index1", "index2"]);
    }

    [Fact]
    public void R4_the_pair_of_a_kit_well_no_library_has_is_wrong_well_naming_kit_and_well()
    {
        var run = Run();
        var library = run.Library(1, 0);
        run.Tube(library, SimulatedRun.KitI7[12], run.Sequenced(SimulatedRun.KitI5[12]));

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.WrongWell);
        finding.Kit.ShouldBe(new FindingKit(SimulatedRun.Kit, SimulatedRun.WellName(12)));
        finding.Corrections.Select(c => c.To).ShouldBe([SimulatedRun.KitI7[12], SimulatedRun.KitI5[12]]);
    }

    [Fact]
    public void R5_right_i7_with_an_i5_of_another_kit_is_wrong_i5_plate()
    {
        var run = Run();
        var library = run.Library(2, 6);
        run.Tube(library, library.Index1, run.Sequenced(SimulatedRun.OtherKitI5[1]));

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.WrongI5Plate);
        finding.Kit!.Name.ShouldBe(SimulatedRun.OtherKit);
        finding.Corrections.ShouldHaveSingleItem().To.ShouldBe(SimulatedRun.OtherKitI5[1]);
    }

    [Fact]
    public void R6_an_adapter_i5_means_a_single_index_adapter()
    {
        var run = Run();
        var library = run.Library(1, 2);
        run.Tube(library, library.Index1, "TCTTTCCC");

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.NoI5);
        finding.Corrections.ShouldHaveSingleItem().ShouldSatisfyAllConditions(c => c.Field.ShouldBe("index2"), c => c.To.ShouldBeNull());
    }

    [Fact]
    public void R7_poly_G_i7_with_the_library_i5_is_i7_not_read()
    {
        var run = Run();
        var library = run.Library(2, 4);
        run.Tube(library, "GGGGGGGG", run.Sequenced(library.Index2!));

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.I7NotRead);
        finding.Corrections.ShouldBeEmpty();
    }

    [Fact]
    public void R8_an_index_shifted_by_one_base()
    {
        var run = Run();
        var library = run.Library(1, 1);
        var shifted = library.Index1[1..] + "T";
        run.Tube(library, shifted, run.Sequenced(library.Index2!));

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.ShiftedIndex);
        finding.Form.ShouldBe("(i7 shifted left, i5)");
        finding.Corrections.ShouldHaveSingleItem().To.ShouldBe(shifted);
    }

    [Fact]
    public void R9_the_exact_pair_in_another_lane_is_wrong_lane()
    {
        var run = Run();
        var library = run.Library(1, 2);
        run.Tube(library, library.Index1, run.Sequenced(library.Index2!), lane: 2);

        var results = run.Results();

        var finding = Only(results, library);
        finding.Label.ShouldBe(FindingLabels.WrongLane);
        finding.OtherLane.ShouldBe(2);
        finding.Corrections.ShouldHaveSingleItem().ShouldSatisfyAllConditions(c => c.Field.ShouldBe("lane"), c => c.To.ShouldBe("2"));
        // the reads in lane 2 are explained by that finding, not reported again as an unknown barcode
        results.Findings.Where(f => f.Lane == 2 && f.Label is FindingLabels.Unexplained or FindingLabels.NotOnSheet).ShouldBeEmpty();
    }

    [Fact]
    public void A_weak_library_without_any_matching_barcode_is_no_index_explanation()
    {
        var run = Run();
        var library = run.Library(2, 7);
        run.Tube(library, library.Index1, run.Sequenced(library.Index2!), reads: 5_000);

        var finding = Only(run.Results(), library);

        finding.Label.ShouldBe(FindingLabels.NoIndexExplanation);
        finding.Strength.ShouldBeNull();
        finding.Fix!.ShouldContain("failed");
    }

    [Fact]
    public void A_barcode_that_is_the_first_match_of_two_weak_libraries_is_ambiguous_for_both_and_fixes_nothing()
    {
        var run = Run();
        var (a, b) = (run.Library(1, 0), run.Library(1, 1));
        run.Tube(a, SimulatedRun.KitI7[13], run.Sequenced(SimulatedRun.KitI5[13]));
        run.Tube(b, SimulatedRun.KitI7[13], run.Sequenced(SimulatedRun.KitI5[13]));

        var results = run.Results();

        foreach (var library in new[] { a, b })
        {
            var finding = Only(results, library);
            finding.Label.ShouldBe(FindingLabels.WrongWell);
            finding.Strength.ShouldBe(Strengths.Ambiguous);
            finding.Corrections.ShouldBeEmpty();
        }
        CorrectedSheet.Corrections(results).ShouldBeEmpty();
    }

    [Fact]
    public void Strength_follows_the_matched_reads_against_the_expected_reads()
    {
        var run = Run();
        var library = run.Library(1, 1);
        var other = run.Library(1, 2);
        run.Tube(library, library.Index1, library.Index2, reads: 400_000);  // about a third of its expected share
        run.Tube(other, other.Index1, other.Index2, reads: 50_000);         // about 5 %: carry-over

        var results = run.Results();

        Only(results, library).Strength.ShouldBe(Strengths.Partial);
        Only(results, other).Strength.ShouldBe(Strengths.Trace);
        CorrectedSheet.Corrections(results).ShouldBeEmpty();
    }

    [Fact]
    public void A_negative_control_with_no_reads_is_left_alone()
    {
        var run = Run();
        var control = run.Add(1, run.Libraries[0].PoolId, 9, negativeControl: true);
        run.Tube(control, control.Index1, run.Sequenced(control.Index2!), reads: 0);

        var results = run.Results();

        results.Findings.Where(f => f.LibraryId == control.LibraryId).ShouldBeEmpty();
        results.Libraries.Single(l => l.LibraryId == control.LibraryId).ShouldSatisfyAllConditions(
            l => l.Reads.ShouldBe(0), l => l.NegativeControl.ShouldBeTrue());
    }

    [Fact]
    public void Significant_unknown_barcodes_are_explained_hopped_not_on_sheet_wrong_pool_signature_or_unexplained()
    {
        var run = Run();
        const long big = 400_000; // 4.x % of a ~9 M lane
        run.Extra.Add((1, SimulatedRun.KitI7[0], run.Sequenced(SimulatedRun.KitI5[1]), big));      // hopped
        run.Extra.Add((1, SimulatedRun.KitI7[10], run.Sequenced(SimulatedRun.KitI5[10]), big));    // a kit well no library of the lane has
        run.Elsewhere.Add(new ElsewhereLibrary("TS-LIB-OTHER-00001", "TS-POOL-OTHER", SimulatedRun.KitI7[11], SimulatedRun.KitI5[11]));
        run.Extra.Add((1, SimulatedRun.KitI7[11], run.Sequenced(SimulatedRun.KitI5[11]), big));    // a library of another pool
        run.Extra.Add((1, "GGGGGGGG", "AGATCTCG", big));                                           // PhiX / no index
        run.Extra.Add((1, "ACACACAC", "TGTGTGTG", big));                                           // nothing known

        var lane1 = run.Results().Findings.Where(f => f.Lane == 1 && f.LibraryId is null && f.Label != FindingLabels.LaneQc).ToList();

        lane1.Select(f => f.Label).Order().ShouldBe(
            new[]
            {
                FindingLabels.Hopped, FindingLabels.NoIndexSignature, FindingLabels.NotOnSheet, FindingLabels.Unexplained, FindingLabels.WrongPool,
            }.Order());
        lane1.Single(f => f.Label == FindingLabels.NotOnSheet).Kit.ShouldBe(new FindingKit(SimulatedRun.Kit, SimulatedRun.WellName(10)));
        lane1.Single(f => f.Label == FindingLabels.WrongPool).LibraryBarcode.ShouldBe("TS-LIB-OTHER-00001");
        lane1.Single(f => f.Label == FindingLabels.Hopped).Fix!.ShouldContain("TS-LIB-SIM-100");
    }

    [Fact]
    public void Wells_of_one_kit_each_below_1_percent_are_explained_together_when_they_reach_1_percent()
    {
        var run = Run();
        foreach (var well in new[] { 12, 13, 14, 15 })
        {
            run.Extra.Add((2, SimulatedRun.KitI7[well], run.Sequenced(SimulatedRun.KitI5[well]), 40_000)); // 0.5 % each
        }

        var group = run.Results().Findings.ShouldHaveSingleItem(f => f.Lane == 2 && f.Label == FindingLabels.NotOnSheet);

        group.Form.ShouldBe("group");
        group.Reads.ShouldBe(160_000);
        group.Kit!.Name.ShouldBe(SimulatedRun.Kit);
    }

    [Fact]
    public void N_in_a_reported_barcode_matches_any_base()
    {
        var run = Run();
        var library = run.Library(1, 1);
        run.Tube(library, library.Index1[..3] + "N" + library.Index1[4..], library.Index2);

        Only(run.Results(), library).Label.ShouldBe(FindingLabels.I5Orientation);
    }

    [Fact]
    public void Thousands_of_unknown_barcodes_do_not_change_what_is_found()
    {
        var run = Run();
        var library = run.Library(1, 3);
        run.Tube(library, library.Index1, library.Index2);
        for (var i = 0; i < 10_000; i++)
        {
            run.Extra.Add((1 + i % 2, Random(i + 5000, 8), Random(i + 90000, 8), 10));
        }

        Only(run.Results(), library).Label.ShouldBe(FindingLabels.I5Orientation);
    }
}

internal static class ShouldlyExtensions
{
    public static T ShouldHaveSingleItem<T>(this IEnumerable<T> items, Func<T, bool> predicate) => items.Where(predicate).ShouldHaveSingleItem();
}
