using System.IO.Compression;
using System.Text;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Runs;

namespace TracSeq.UnitTests.Sequencing.Results;

/// <summary>The report readers on files generated in each format and with the quirks real files have.</summary>
public sealed class ReaderTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static SimulatedRun Run() => new SimulatedRun().WithLane(1, 3).WithLane(2, 3, firstWell: 3);

    [Theory]
    [InlineData("3.6")]
    [InlineData("4.x")]
    [InlineData("bcl2fastq")]
    public void Every_format_gives_the_same_reads_per_library_and_lane(string style)
    {
        var run = Run();
        run.Extra.Add((1, "GGGGGGGG", "AGATCTCG", 123_456));

        var results = run.Results(style);

        results.Libraries.Count.ShouldBe(6);
        results.Libraries.ShouldAllBe(l => l.Reads == SimulatedRun.ReadsPerLibrary);
        results.Libraries.ShouldAllBe(l => Math.Abs(l.ExpectedFraction - 1.0 / 3) < 1e-6);
        var lane1 = results.Lanes.Single(l => l.Lane == 1);
        lane1.TotalReads.ShouldBe(3 * SimulatedRun.ReadsPerLibrary + 123_456);
        lane1.UndeterminedReads.ShouldBe(123_456);
        lane1.AssignedReads.ShouldBe(3 * SimulatedRun.ReadsPerLibrary);
        results.Unmatched.ShouldBeEmpty();
        if (style == "3.6")
        {
            results.Libraries[0].TwoMismatchReads.ShouldBeNull(); // 3.6 has no two-mismatch column
            results.Libraries[0].Q30Fraction.ShouldBeNull();      // and no yield to divide its Q30 bases by
        }
        else
        {
            results.Libraries[0].Q30Fraction.ShouldNotBeNull().ShouldBeInRange(0.8, 0.95);
            lane1.Q30ByRead.Count.ShouldBeGreaterThanOrEqualTo(1);
        }
    }

    [Fact]
    public void Demultiplex_stats_3_6_and_4_x_headers_map_by_name_with_either_Undetermined_index()
    {
        var old = DemultiplexStatsReader.Read(Bytes(
            "Lane,SampleID,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# of >= Q30 Bases (PF),Mean Quality Score (PF)\n" +
            "4,S1,CATGCGAT,180943953,177877579,3066374,20027127727,14.10\n4,Undetermined,Undetermined,150259633,150259633,0,37434161032,33.57\n"));
        var current = DemultiplexStatsReader.Read(Bytes(
            "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads," +
            "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\n" +
            "1,S1,AB-1234,GAACTGAGCG-TCGTGGAGCG,9920,9718,202,0,0.0029,0.9796,0.0204,0.0000\n" +
            "1,Undetermined,Undetermined,,3387226,3387226,0,0,0.9946,1.0000,0.0000,0.0000\n"));

        old[0].ShouldBe(new DemuxRow(4, "S1", "CATGCGAT", 180943953, 177877579, 3066374, null, null, 20027127727));
        old[1].ShouldSatisfyAllConditions(r => r.IsUndetermined.ShouldBeTrue(), r => r.Index.ShouldBeNull());
        current[0].ShouldBe(new DemuxRow(1, "S1", "GAACTGAGCG-TCGTGGAGCG", 9920, 9718, 202, 0, null, null));
        current[1].ShouldSatisfyAllConditions(r => r.IsUndetermined.ShouldBeTrue(), r => r.Index.ShouldBeNull());
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    public void A_BOM_any_line_ending_and_trailing_blank_lines_are_read(string newline)
    {
        var text = "\uFEFFLane,index,index2,# Reads" + newline + "1,ACGTACGT,TTTTCCCC,10" + newline + "2,GGGGGGGG,,5" + newline + newline + newline;

        var rows = TopUnknownReader.Read(Encoding.UTF8.GetBytes(text));

        rows.ShouldBe([new UnknownBarcode(1, "ACGTACGT", "TTTTCCCC", 10), new UnknownBarcode(2, "GGGGGGGG", null, 5)]);
    }

    [Fact]
    public void Without_an_Undetermined_row_the_lane_total_is_unknown_and_said_so()
    {
        var results = Run().Results(undeterminedRow: false);

        var lane = results.Lanes.Single(l => l.Lane == 1);
        lane.TotalReads.ShouldBeNull();
        lane.UndeterminedReads.ShouldBeNull();
        lane.UndeterminedFraction.ShouldBeNull();
        results.Warnings.ShouldContain(w => w.Contains("no Undetermined row", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_count_is_refused_naming_file_line_and_column()
    {
        var e = Should.Throw<ResultsImportException>(() => TopUnknownReader.Read(Bytes("Lane,index,index2,# Reads\n1,ACGT,ACGT,10\n1,ACGT,ACGA,ten\n")));

        e.File.ShouldBe("Top_Unknown_Barcodes.csv");
        e.Location.ShouldBe("line 3");
        e.Message.ShouldContain("# Reads 'ten'");
    }

    [Fact]
    public void A_missing_column_is_refused_naming_it()
    {
        var e = Should.Throw<ResultsImportException>(() => DemultiplexStatsReader.Read(Bytes("Lane,SampleID,Index\n1,S1,ACGT\n")));

        e.Message.ShouldContain("# Reads");
        e.Location.ShouldBe("line 1");
    }

    [Fact]
    public void More_than_200000_rows_are_refused()
    {
        var text = new StringBuilder("Lane,index,index2,# Reads\n");
        for (var i = 0; i <= ResultsLimits.MaxRowsPerFile; i++)
        {
            text.Append("1,ACGTACGT,ACGTACGT,1\n");
        }

        Should.Throw<ResultsImportException>(() => TopUnknownReader.Read(Bytes(text.ToString()))).Message.ShouldContain("200000 rows");
    }

    [Fact]
    public void RunInfo_gives_flow_cell_lanes_and_reads_with_IsReverseComplement()
    {
        var run = new SimulatedRun { Instrument = Instruments.NovaSeqX, Chemistry = null };

        var info = RunInfoReader.Read(Bytes(run.RunInfoXml()));

        info.Flowcell.ShouldBe(run.Flowcell);
        info.LaneCount.ShouldBe(4);
        (info.Read1Cycles, info.Index1Cycles, info.Index2Cycles, info.Read2Cycles).ShouldBe((151, 8, 8, 151));
        info.Index2ReverseComplement.ShouldBeTrue();
    }

    [Fact]
    public void RunInfo_with_a_DTD_or_without_a_flow_cell_is_refused()
    {
        Should.Throw<ResultsImportException>(() => RunInfoReader.Read(Bytes("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"y\">]><RunInfo/>")))
            .File.ShouldBe("RunInfo.xml");
        Should.Throw<ResultsImportException>(() => RunInfoReader.Read(Bytes("<RunInfo><Run Id=\"x\"><Reads/></Run></RunInfo>")))
            .Message.ShouldContain("Flowcell");
    }

    [Theory]
    [InlineData("<RunParameters><RfidsInfo><FlowCellMode>S4</FlowCellMode></RfidsInfo></RunParameters>", "S4")]
    [InlineData(
        "<RunParameters><ConsumableInfo><ConsumableInfo><Type>FlowCell</Type><Mode>4</Mode><Name>25B</Name></ConsumableInfo></ConsumableInfo></RunParameters>",
        "25B")]
    [InlineData(
        "<RunParameters><ConsumableInfo><ConsumableInfo><Type>FlowCell</Type><Mode>10B</Mode></ConsumableInfo></ConsumableInfo></RunParameters>",
        "10B")]
    [InlineData("<RunParameters><Setup><ReagentKitVersion>Version3</ReagentKitVersion></Setup></RunParameters>", "v3")]
    [InlineData("<RunParameters><Chemistry>NextSeq High</Chemistry></RunParameters>", "high")]
    [InlineData("<RunParameters><Other/></RunParameters>", null)]
    public void RunParameters_gives_the_flow_cell_type_of_each_instrument(string xml, string? expected) =>
        RunParametersReader.Read(Bytes(xml)).FlowcellType.ShouldBe(expected);

    [Fact]
    public void RunCompletionStatus_in_both_shapes()
    {
        CompletionStatusReader.Read(Bytes(
                "<RunCompletionStatus><CompletionStatus>CompletedAsPlanned</CompletionStatus>" +
                "<ErrorDescription>None</ErrorDescription></RunCompletionStatus>"))
            .ShouldBe(new CompletionData(true, "CompletedAsPlanned", null));
        CompletionStatusReader.Read(Bytes("<RunCompletionStatus><RunStatus>RunCompleted</RunStatus></RunCompletionStatus>"))
            .ShouldBe(new CompletionData(true, "RunCompleted", null));
        CompletionStatusReader.Read(Bytes(
                "<RunCompletionStatus><CompletionStatus>ExceptionEndedEarly</CompletionStatus>" +
                "<ErrorDescription>Fluidics</ErrorDescription></RunCompletionStatus>"))
            .ShouldBe(new CompletionData(false, "ExceptionEndedEarly", "Fluidics"));
    }

    [Fact]
    public void Stats_json_gives_samples_undetermined_clusters_and_unknown_pairs()
    {
        var run = Run();
        run.Extra.Add((2, "GGGGGGGG", "AGATCTCG", 777));

        var stats = Bcl2FastqStatsReader.Read(run.Files("bcl2fastq")["Stats.json"]);

        stats.Flowcell.ShouldBe(run.Flowcell);
        stats.Demux.Count(r => r.IsUndetermined).ShouldBe(2);
        stats.Unknown.ShouldContain(new UnknownBarcode(2, "GGGGGGGG", "AGATCTCG", 777));
        stats.ClustersPf[2].ShouldBe(3 * SimulatedRun.ReadsPerLibrary + 777);
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }
        }
        return stream.ToArray();
    }

    [Fact]
    public void A_zip_is_read_by_base_name_and_others_are_listed()
    {
        var files = ResultsUpload.Unzip("run.zip", Zip(
            ("run/RunInfo.xml", Bytes("<RunInfo/>")),
            ("run/Reports/Demultiplex_Stats.csv", Bytes("x")),
            ("run/Reports/fastq_list.csv", Bytes("y"))));

        files.Select(f => f.Name).ShouldBe(["RunInfo.xml", "Demultiplex_Stats.csv", "fastq_list.csv"]);
        files[2].Content.ShouldBeEmpty(); // not read
    }

    [Fact]
    public void A_run_folder_zipped_whole_holds_RunInfo_twice_and_the_identical_copy_counts_once()
    {
        var runInfo = Bytes("<RunInfo/>");
        var raw = ResultsUpload.Unzip("run.zip", Zip(
            ("run/RunInfo.xml", runInfo),
            ("run/Reports/RunInfo.xml", runInfo),
            ("run/Reports/Demultiplex_Stats.csv", Bytes("x"))));

        var (files, ignored) = ResultsUpload.Classify(raw);

        files.Keys.Order().ShouldBe(["Demultiplex_Stats.csv", "RunInfo.xml"]);
        ignored.ShouldBeEmpty();
    }

    [Fact]
    public void Two_different_files_of_one_name_are_two_jobs_and_are_refused()
    {
        var e = Should.Throw<ResultsImportException>(() =>
            ResultsUpload.Classify([("Demultiplex_Stats.csv", Bytes("job A")), ("demultiplex_stats.csv", Bytes("job B"))]));

        e.Message.ShouldContain("different content");
        e.Status.ShouldBe(400);
    }

    [Fact]
    public void A_zip_bomb_is_refused_from_its_directory_before_it_is_read()
    {
        var e = Should.Throw<ResultsImportException>(() => ResultsUpload.Unzip("run.zip", Zip(("Top_Unknown_Barcodes.csv", new byte[20 * 1024 * 1024]))));

        e.Message.ShouldContain("fold");
        e.File.ShouldBe("run.zip:Top_Unknown_Barcodes.csv");
    }

    [Fact]
    public void A_zip_with_too_many_entries_is_refused()
    {
        var entries = Enumerable.Range(0, ResultsLimits.MaxZipEntries + 1).Select(i => ($"f{i}.txt", new byte[1])).ToArray();

        Should.Throw<ResultsImportException>(() => ResultsUpload.Unzip("run.zip", Zip(entries))).Message.ShouldContain("entries");
    }

    [Fact]
    public void Several_jobs_merge_one_job_claims_what_the_other_left_unknown()
    {
        var run = Run();
        var files = run.Files();
        var jobA = JobReader.Read("A", files);
        // job B demultiplexed lane 1 again for one library of its own (a 10x single-index library, say)
        var demuxB = Bytes(
            "Lane,SampleID,Sample_Project,Index,# Reads,# Perfect Index Reads,# One Mismatch Index Reads,# Two Mismatch Index Reads," +
            "% Reads,% Perfect Index Reads,% One Mismatch Index Reads,% Two Mismatch Index Reads\n" +
            "1,TS-LIB-SIM-100,SIM,ATTACTCG,100,100,0,0,0.1,1,0,0\n1,Undetermined,Undetermined,,6000000,6000000,0,0,0.9,1,0,0\n");
        var jobB = JobReader.Read("B", new Dictionary<string, byte[]> { ["RunInfo.xml"] = files["RunInfo.xml"], ["Demultiplex_Stats.csv"] = demuxB });

        var results = TracSeq.Sequencing.Results.ResultsCalculator.Compute(run.Context(), [jobA, jobB]);

        results.Libraries.Single(l => l.Lane == 1 && l.LibraryBarcode == "TS-LIB-SIM-100").Reads.ShouldBe(SimulatedRun.ReadsPerLibrary + 100);
        results.Lanes.Single(l => l.Lane == 1).TotalReads.ShouldBe(3 * SimulatedRun.ReadsPerLibrary + 100);
    }

    [Fact]
    public void A_sample_the_sheet_never_had_and_a_lane_the_run_does_not_use_are_unmatched()
    {
        var run = Run();
        var files = run.Files();
        var text = Encoding.UTF8.GetString(files["Demultiplex_Stats.csv"]) +
            "3,SOMEONE-ELSE,SIM,ACGTACGT-ACGTACGT,42,42,0,0,0.1,1,0,0\n1,NOT-ON-SHEET,SIM,AAAAAAAA-CCCCCCCC,7,7,0,0,0.1,1,0,0\n";
        files["Demultiplex_Stats.csv"] = Bytes(text);

        var results = TracSeq.Sequencing.Results.ResultsCalculator.Compute(run.Context(), [JobReader.Read("default", files)]);

        results.Unmatched.ShouldBe(
        [
            new TracSeq.Sequencing.Results.UnmatchedDto(3, "SOMEONE-ELSE", 42),
            new TracSeq.Sequencing.Results.UnmatchedDto(1, "NOT-ON-SHEET", 7),
        ]);
        results.Warnings.ShouldContain(w => w.StartsWith("Lane 3", StringComparison.Ordinal));
    }
}
