using System.Text;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>
/// Sample sheets compared byte for byte with golden files under Sequencing/Golden, written by hand from Illumina's
/// sample sheet documentation (v1: IEM/bcl2fastq [Header] [Reads] [Settings] [Data]; v2: BCL Convert [Header]
/// [Reads] [BCLConvert_Settings] [BCLConvert_Data]), with the i5 orientation of article 000001800 worked out by hand.
/// </summary>
public class SampleSheetWriterTests
{
    // Libraries as stored: i5 forward. Names and projects carry what must never reach a sheet raw.
    private static SampleSheetRow R1(int lane) => new(lane, "TS-LIB-261127-00001", "Liver tumour, rep 1", "CTACCATCAA", "GTGATGATTG", "ONC-7");
    private static SampleSheetRow R2(int lane) => new(lane, "TS-LIB-261127-00002", "Liver\r\nnormal", "TGTAATCCTG", "CGTTAAGGCG", "ONC 7/b");
    private static SampleSheetRow R3(int lane) => new(lane, "TS-LIB-261127-00003", "Kidney=1+2", "CGTAAGAA", "TCAGGCTT", null);
    private static SampleSheetRow R4(int lane) => new(lane, "TS-LIB-261127-00004", "Ütérus;4", "GCTCCTAA", "ATCGTGCA", "GEN_2");
    private static SampleSheetRow R5(int lane) => new(lane, "TS-LIB-261127-00005", "Single", "AACCGGTTAC", null, "ONC-7");

    private static readonly ReadCycles PairedEnd10 = new(151, 151, 10, 10);

    public static TheoryData<string, string> Sheets => new()
    {
        // A forward-strand instrument, one lane, 10-base UDIs filling the index reads; adapters, a date and the kit.
        { "MiSeq", "v1" }, { "MiSeq", "v2" },
        // Single-end, single-index: no Read 2, no Index 2, and their columns left out.
        { "MiSeq-single-end", "v1" }, { "MiSeq-single-end", "v2" },
        // 8-base indices on 10 index cycles: OverrideCycles, i5 forward in v2 (BCL Convert turns it), RC in v1; rows sorted by lane.
        { "NextSeq2000", "v1" }, { "NextSeq2000", "v2" },
        // NovaSeq 6000 with v1.0 reagents reads i5 forward in both formats; no mismatches allowed.
        { "NovaSeq6000-v1.0", "v1" }, { "NovaSeq6000-v1.0", "v2" },
        // ... and with v1.5 reagents as its reverse complement in both; OverrideCycles with the N's first on Index 2.
        { "NovaSeq6000-v1.5", "v1" }, { "NovaSeq6000-v1.5", "v2" },
        // NovaSeq X, 8 lanes: mixed index lengths and a single-indexed library: OverrideCycles per sample.
        { "NovaSeqX", "v1" }, { "NovaSeqX", "v2" },
    };

    private static SampleSheetRun Run(string name) => name switch
    {
        "MiSeq" => new SampleSheetRun("MiSeq run 1", Instruments.MiSeq, "", PairedEnd10, 1, 1, [R1(1), R2(1)])
        {
            Date = new DateOnly(2026, 11, 27),
            IndexAdapters = "TracSeq UD Indexes Plate A",
            AdapterRead1 = "CTGTCTCTTATACACATCT",
            AdapterRead2 = "ctgtctcttatacacatct",
        },
        "MiSeq-single-end" => new SampleSheetRun("Amplicons SE", Instruments.MiSeq, "", new ReadCycles(75, 0, 8, 0), 1, 1,
        [
            new(1, "TS-LIB-261127-00006", "Amplicon A", "GGACTCCT", "AAGGAGTA", null),
            new(1, "TS-LIB-261127-00007", "Amplicon B", "TAGGCATG", null, ""),
        ]),
        "NextSeq2000" => new SampleSheetRun("NS2K_2026-11-27", Instruments.NextSeq2000, "", PairedEnd10, 1, 1, [R3(2), R3(1), R4(1)]),
        "NovaSeq6000-v1.0" => new SampleSheetRun(
            "NovaSeq v1.0 run", Instruments.NovaSeq6000, Instruments.ChemistryV10, new ReadCycles(151, 151, 8, 8), 0, 0, [R3(1), R4(3)]),
        "NovaSeq6000-v1.5" => new SampleSheetRun("NovaSeq v1.5 run", Instruments.NovaSeq6000, Instruments.ChemistryV15, PairedEnd10, 1, 1, [R3(1), R4(3)]),
        "NovaSeqX" => new SampleSheetRun("NovaSeqX mixed", Instruments.NovaSeqX, "", PairedEnd10, 1, 1, [R1(1), R3(1), R5(8)]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Sheets))]
    public void The_sheet_matches_its_golden_file_byte_for_byte(string run, string format)
    {
        var golden = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Sequencing", "Golden", $"{run}-{format}.csv"));

        var written = SampleSheetWriter.Write(Run(run), format == "v1" ? SampleSheetFormat.V1 : SampleSheetFormat.V2);

        Encoding.UTF8.GetString(golden).ShouldBe(written);
        Encoding.UTF8.GetBytes(written).ShouldBe(golden);
    }

    [Theory]
    [InlineData(SampleSheetFormat.V1)]
    [InlineData(SampleSheetFormat.V2)]
    public void Every_line_ends_in_crlf_and_no_user_text_adds_a_column_or_a_line(SampleSheetFormat format)
    {
        var hostile = new SampleSheetRow(1, "TS-LIB,1\n2", "a,b\r\"c\"\u2028d", "ACGTACGT", "TGCATGCA", "p,\nq");
        var text = SampleSheetWriter.Write(new SampleSheetRun("x,y\r\nz", Instruments.MiSeq, "", new ReadCycles(151, 151, 8, 8), 1, 1, [hostile]), format);

        text.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\r');
        text.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain('\n');
        var lines = text.Split("\r\n");
        lines[^1].ShouldBe("");
        var data = lines[^2].Split(',');
        data.Length.ShouldBe(lines[^3].Split(',').Length);
        data.ShouldContain("TS-LIB_1_2");
        text.ShouldContain("x_y__z");
        text.ShouldNotContain("\u2028");
        text.ShouldNotContain("\"");
    }

    [Fact]
    public void The_same_run_always_gives_the_same_bytes()
    {
        var run = Run("NovaSeqX");

        SampleSheetWriter.Write(run, SampleSheetFormat.V2).ShouldBe(SampleSheetWriter.Write(run with { }, SampleSheetFormat.V2));
    }

    [Fact]
    public void An_index_longer_than_its_read_is_refused()
    {
        var run = new SampleSheetRun("r", Instruments.MiSeq, "", new ReadCycles(151, 151, 8, 8), 1, 1, [R1(1)]);

        Should.Throw<ArgumentException>(() => SampleSheetWriter.Write(run, SampleSheetFormat.V2)).Message.ShouldContain("more than the run's 8 cycles");
    }

    [Fact]
    public void A_lane_the_instrument_does_not_have_is_refused()
    {
        var run = new SampleSheetRun("r", Instruments.NextSeq2000, "", PairedEnd10, 1, 1, [R1(3)]);

        Should.Throw<ArgumentException>(() => SampleSheetWriter.Write(run, SampleSheetFormat.V1)).Message.ShouldContain("Lane 3");
    }

    [Theory]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("TS-LIB-261127-00001", "TS-LIB-261127-00001")]
    [InlineData("Liver tumour, rep 1", "Liver_tumour__rep_1")]
    [InlineData("a\r\nb", "a__b")]
    [InlineData("proj/ONC.7", "proj_ONC_7")]
    [InlineData("=cmd|' /C calc'!A0", "_cmd____C_calc__A0")]
    [InlineData("Ütérus", "_t_rus")]
    public void Sanitising_keeps_letters_digits_dashes_and_underscores(string? value, string expected) =>
        SampleSheetText.Sanitize(value).ShouldBe(expected);

    [Theory]
    [InlineData(SampleSheetFormat.V1)]
    [InlineData(SampleSheetFormat.V2)]
    public void No_cell_of_user_text_starts_like_a_spreadsheet_formula(SampleSheetFormat format)
    {
        // L6 (issue 24): "-1-1" opened as the formula −1−1 = −2; '=', '+' and '@' start formulas too.
        var indices = new[] { "ACGTACGT", "TTGGCCAA", "CAGTCAGT", "GTCAGTCA", "AACCGGTT" };
        var rows = new[] { "-1-1", "=1+1", "+1", "@SUM(A1)", "--x" }
            .Select((name, i) => new SampleSheetRow(1, $"TS-LIB-1-{i}", name, indices[i], null, name))
            .ToList();
        var text = SampleSheetWriter.Write(new SampleSheetRun("-Run", Instruments.MiSeq, "", new ReadCycles(151, 151, 8, 0), 1, 1, rows), format);

        var cells = text.Split("\r\n").SelectMany(line => line.Split(','));
        cells.ShouldNotContain(c => c.Length > 0 && (c[0] == '-' || c[0] == '=' || c[0] == '+' || c[0] == '@'));
        text.ShouldContain("_1-1");
        SampleSheetText.Sanitize("-1-1").ShouldBe("_1-1");
    }
}
