extern alias web;
using System.Text.Json;
using web::TracSeq.Web.SequencingResults;

namespace TracSeq.UnitTests.Web;

/// <summary>
/// The run page's Results section in words and in a picture: every diagnosis label of the run-results contract gets
/// its own sentence with the evidence and the fix, and the chart's bars are the shares the service reported.
/// </summary>
public sealed class RunResultsViewTests
{
    private const string Library = "TS-LIB-261207-00007";
    private static readonly Guid LibraryId = Guid.Parse("0193a7d2-0000-7000-8000-000000000007");

    private static Finding F(string label, string? strength = "confirmed", string? index = "GTTAATTG", string? index2 = "AGGCTATA",
        long? reads = 1_900_000, FindingKit? kit = null, int? otherLane = null, string? fix = null, string? library = Library) =>
        new(label, strength, 1, library is null ? null : LibraryId, library, index, index2, reads, kit, otherLane, fix);

    [Fact]
    public void The_issue_s_example_reads_as_the_issue_wrote_it()
    {
        FindingText.For(F("i5_orientation")).Text.ShouldBe(
            "TS-LIB-261207-00007: i5 was read in reverse complement — 1.9 M reads under GTTAATTG+AGGCTATA; " +
            "change the sample sheet's i5 orientation or the library's index");
    }

    public static TheoryData<string, string, string> LibraryLabels => new()
    {
        { "i5_orientation", "i5 was read in reverse complement", "change the sample sheet's i5 orientation or the library's index" },
        { "i7_reverse_complemented", "i7 was read in reverse complement", "enter the library's i7 as its reverse complement" },
        { "indices_swapped", "i7 and i5 are swapped", "swap the library's Index 1 and Index 2" },
        {
            "wrong_well",
            "its reads carry the indices of TruSeq UD Plate A well C07, a well no library of this run has",
            "set the library's index to TruSeq UD Plate A well C07"
        },
        { "wrong_i5_plate", "i7 is right but the i5 comes from TruSeq UD Plate A", "set the library's i5 to the one of TruSeq UD Plate A well C07" },
        { "no_i5", "no i5 was read: the library has a single-index adapter", "remove the library's Index 2 from the sheet" },
        { "i7_not_read", "the i7 read gave nothing (poly-G) while the library's i5 was read", "check the library's i7 adapter" },
        { "shifted_index", "an index was read shifted by one base", "check the index cycles and OverrideCycles" },
        { "wrong_lane", "its reads are in lane 3, not in the lane the sheet puts it on", "put it on that lane in the sheet" },
        { "ambiguous", "the unknown barcode that would explain it also matches another weak library", "check these libraries' indices by hand" },
        { "no_index_explanation", "got too few reads and no unknown barcode explains it", "likely a failed library, not a sheet error" },
    };

    [Theory]
    [MemberData(nameof(LibraryLabels))]
    public void Every_label_about_a_weak_library_names_it_says_what_happened_and_what_to_change(string label, string what, string fix)
    {
        var view = FindingText.For(F(label, kit: new FindingKit("TruSeq UD Plate A", "C07"), otherLane: 3));

        view.Subject.ShouldBe(Library);
        view.What.ShouldBe(what);
        view.Fix.ShouldContain(fix);
        view.Evidence.ShouldBe("1.9 M reads under GTTAATTG+AGGCTATA");
        view.Text.ShouldStartWith($"{Library}: {what} — 1.9 M reads under GTTAATTG+AGGCTATA; ");
    }

    public static TheoryData<string, string, string, string> LaneLabels => new()
    {
        { "hopped", "index hopping: the i7 of one library with the i5 of another", "nothing to change on the sheet", "info" },
        {
            "not_on_sheet",
            "reads with the indices of TruSeq UD Plate A well C07, which no library of this lane has",
            "a library missing from the sheet",
            "warning"
        },
        { "wrong_pool", $"reads with the indices of {Library}, a library of another pool", "check which pools were loaded", "warning" },
        { "no_index_signature", "reads without an index (poly-G i7 with an adapter i5, or PhiX)", "nothing to change", "info" },
        { "unexplained", "many reads under an unknown barcode TracSeq cannot explain", "look the barcode up", "warning" },
    };

    [Theory]
    [MemberData(nameof(LaneLabels))]
    public void Every_label_about_an_unknown_barcode_speaks_of_the_lane(string label, string what, string fix, string tone)
    {
        var view = FindingText.For(F(label, strength: null, kit: new FindingKit("TruSeq UD Plate A", "C07"), reads: 412_345));

        view.Subject.ShouldBe("Lane 1");
        view.What.ShouldBe(what);
        view.Fix.ShouldContain(fix);
        view.Tone.ShouldBe(tone);
        view.Evidence.ShouldBe("412.3 k reads under GTTAATTG+AGGCTATA");
    }

    [Theory]
    [InlineData(
        "undetermined",
        null,
        "Lane 1: 23.4 % of reads undetermined, above 9 %.",
        "Lane 1: 23.4 % of reads undetermined, above 9 %; the findings below name the unknown barcodes behind it")]
    [InlineData(
        "cluster_pf",
        null,
        "Lane 1: 210 M clusters passed filter, below 325 M.",
        "Lane 1: 210 M clusters passed filter, below 325 M; the lane gave too few clusters: check the loading concentration and the flow cell")]
    [InlineData(
        "q30_read2",
        null,
        "Lane 1, read 2: 71.2 % of bases ≥ Q30, below 85 %.",
        "Lane 1: read 2: 71.2 % of bases ≥ Q30, below 85 %; base quality below the limit for this flow cell: ask whether the run should be repeated")]
    [InlineData(
        "reads_per_library",
        Library,
        Library + ": 0.2 M reads, below 3.385 M (325 M ÷ 96 libraries).",
        Library + ": 0.2 M reads, below 3.385 M (325 M ÷ 96 libraries); too few reads for the lane's share of the flow cell: plan a top-up")]
    [InlineData(
        "unknown_barcode",
        null,
        "Lane 1: unknown barcode GTTAATTG+AGGCTATA holds 4.2 % of the lane (≥ 1 %).",
        "Lane 1: unknown barcode GTTAATTG+AGGCTATA holds 4.2 % of the lane (≥ 1 %); the findings below say whose barcode it is")]
    public void A_lane_check_says_the_value_and_the_limit_the_service_found_and_what_to_do(string check, string? library, string fix, string text)
    {
        var finding = F("lane_qc", strength: null, library: library, fix: fix) with { Check = check, Threshold = 9, Value = 23.4 };

        FindingText.For(finding).Text.ShouldBe(text);
        FindingText.For(finding with { Fix = null }).What.ShouldBe("failed the lane check " + check + " (23.4 against 9)");
    }

    [Theory]
    [InlineData("confirmed", "i5 was read in reverse complement")]
    [InlineData("partial", "i5 was read in reverse complement (partly: the barcode holds 10–50 % of its expected reads)")]
    [InlineData("trace", "i5 was read in reverse complement (a trace, under 10 % of its expected reads: carry-over, for information)")]
    [InlineData("ambiguous", "i5 was read in reverse complement (ambiguous: the barcode fits more than one library)")]
    public void The_strength_qualifies_what_happened(string strength, string what) =>
        FindingText.For(F("i5_orientation", strength)).What.ShouldBe(what);

    [Fact]
    public void The_confirmed_sheet_changes_are_named_with_their_values()
    {
        var finding = F("indices_swapped") with
        {
            Corrections = [new FindingCorrection("index1", "GTTAATTG", "AGGCTATA"), new FindingCorrection("index2", "AGGCTATA", "GTTAATTG")],
        };

        FindingText.For(finding).Fix.ShouldBe("swap the library's Index 1 and Index 2 (Index 1 GTTAATTG → AGGCTATA, Index 2 AGGCTATA → GTTAATTG)");
        FindingText.For(F("wrong_lane", otherLane: 3) with { Corrections = [new FindingCorrection("lane", "1", "3")] }).Fix
            .ShouldBe("the library was loaded into lane 3: put it on that lane in the sheet (lane 1 → 3)");
        FindingText.Words(JsonSerializer.SerializeToElement(new { field = "index2", from = "AGGCTATA", to = "TATAGCCT" }))
            .ShouldBe("field: index2, from: AGGCTATA, to: TATAGCCT");
    }

    [Fact]
    public void An_unknown_label_is_shown_by_its_name_and_a_finding_without_reads_or_indices_has_no_evidence()
    {
        var view = FindingText.For(F("new_kind_of_problem", index: null, index2: null, reads: null));

        view.What.ShouldBe("finding 'new_kind_of_problem'");
        view.Evidence.ShouldBeNull();
        FindingText.For(F("new_kind_of_problem", fix: Library + ": something new happened.")).What.ShouldBe("something new happened");
        FindingText.For(F("no_i5", index2: null, reads: 52_000)).Evidence.ShouldBe("52 k reads under GTTAATTG");
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(9_999L, "9,999")]
    [InlineData(52_000L, "52 k")]
    [InlineData(1_940_000L, "1.9 M")]
    [InlineData(2_437_500_000L, "2.4 G")]
    public void Reads_are_written_for_people(long reads, string text) => FindingText.Reads(reads).ShouldBe(text);

    [Theory]
    [InlineData(0.0946, "9.46 %")]
    [InlineData(0.25, "25 %")]
    [InlineData(null, "—")]
    public void Fractions_of_one_are_percentages(double? fraction, string text) => FindingText.Percent(fraction).ShouldBe(text);

    private static RunResults Results(params LibraryResult[] libraries) => new(Guid.NewGuid(), 1, DateTime.UtcNow, [], [], [],
        [new LaneResult(1, 10_000_000, 9_000_000, 1_000_000, 0.1, 12_000_000, 0.91), new LaneResult(2, 4_000_000, 3_900_000, 100_000, 0.025, null, null)],
        libraries, []);

    [Fact]
    public void Each_lane_gets_a_chart_whose_bars_are_the_libraries_shares_against_their_expected_share()
    {
        var charts = ReadsChart.Build(Results(
            new LibraryResult(1, LibraryId, "TS-LIB-1", 4_500_000, null, null, null, null, null, 0.45, 0.5, "passed", null),
            new LibraryResult(1, null, "TS-LIB-2", 100_000, null, null, null, null, null, 0.01, 0.5, "failed", "1 % of its target"),
            new LibraryResult(2, null, "TS-LIB-3", 3_900_000, null, null, null, null, null, null, 1.0, "passed", null)));

        charts.Select(c => c.Lane).ShouldBe([1, 2]);
        var lane1 = charts[0];
        lane1.Scale.ShouldBe(0.5);
        lane1.Bars.Select(b => b.Width).ShouldBe([ReadsChart.PlotWidth * 0.9, ReadsChart.PlotWidth * 0.02], tolerance: 1e-9);
        lane1.Bars.ShouldAllBe(b => b.ExpectedX == ReadsChart.PlotLeft + ReadsChart.PlotWidth);
        lane1.Bars.Select(b => b.Y).ShouldBe([ReadsChart.Top, ReadsChart.Top + ReadsChart.RowHeight]);
        lane1.Bars[1].Title.ShouldBe("TS-LIB-2: 100 k reads, 1 % of lane 1 (expected 50 %), failed");
        lane1.Description.ShouldBe(
            "Lane 1: reads per library as a share of the lane against the expected share; 2 libraries, 1 below 90 % of their expected share.");
        lane1.Ticks.Select(t => t.Label).ShouldBe(["0 %", "12.5 %", "25 %", "37.5 %", "50 %"]);
        // No laneFraction from the service: the share is reads ÷ the lane's total reads.
        charts[1].Bars[0].Share.ShouldBe(0.975, tolerance: 1e-9);
        charts[1].Scale.ShouldBe(1);
    }

    [Theory]
    [InlineData(0.0, 0.1)]
    [InlineData(0.013, 0.02)]
    [InlineData(0.2, 0.2)]
    [InlineData(0.21, 0.25)]
    [InlineData(0.3, 0.5)]
    [InlineData(0.51, 1.0)]
    [InlineData(1.4, 1.0)]
    public void The_axis_ends_at_a_round_share(double largest, double end) => ReadsChart.NiceCeiling(largest).ShouldBe(end, tolerance: 1e-12);

    [Fact]
    public void The_contract_s_json_reads_into_the_typed_records()
    {
        const string json = """
            {"runId": "0193a7d2-0000-7000-8000-0000000000aa", "version": 2, "importedAt": "2026-12-07T05:00:00Z",
             "files": [{"name": "RunInfo.xml", "sha256": "ab12"}], "warnings": ["cycles differ", {"message": "no RunParameters.xml"}],
             "unmatched": [{"lane": 2, "sampleId": "X1", "reads": 5}],
             "lanes": [{"lane": 1, "totalReads": 10, "assignedReads": 8, "undeterminedReads": 2, "undeterminedFraction": 0.2,
                        "clustersPf": null, "q30Fraction": 0.9}],
             "libraries": [{"lane": 1, "libraryId": null, "libraryBarcode": "TS-LIB-1", "reads": 8, "perfectReads": 7, "oneMismatchReads": 1,
                            "twoMismatchReads": 0, "yield": 1200, "q30Fraction": 0.9, "laneFraction": 0.8, "expectedFraction": 1.0,
                            "verdict": "top_up", "reason": "r = 0.8"}],
             "findings": [{"label": "wrong_well", "strength": "confirmed", "lane": 1, "libraryId": null, "libraryBarcode": "TS-LIB-1",
                           "index": "A", "index2": "C", "reads": 2, "kit": {"name": "K", "well": "A01"}, "otherLane": null, "fix": null}]}
            """;

        var results = JsonSerializer.Deserialize<RunResults>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        results.Version.ShouldBe(2);
        results.Warnings.Select(w => FindingText.Words(w)).ShouldBe(["cycles differ", "no RunParameters.xml"]);
        results.Lanes.ShouldHaveSingleItem().UndeterminedFraction.ShouldBe(0.2);
        results.Libraries.ShouldHaveSingleItem().Verdict.ShouldBe("top_up");
        FindingText.For(results.Findings.ShouldHaveSingleItem()).Text
            .ShouldBe("TS-LIB-1: its reads carry the indices of K well A01, a well no library of this run has — 2 reads under A+C; " +
                "the tube got another well's adapters: set the library's index to K well A01");
    }
}
