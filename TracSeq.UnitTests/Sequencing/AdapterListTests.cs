using TracSeq.Sequencing.Kits;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>
/// Several adapters joined by '+' (BCL Convert's syntax, and how Illumina's own kit definition for DNA/RNA UD Indexes
/// Set D, Tagmentation, ILMN PCR-Free writes them): accepted in kit files, kit JSON and run sheets, every sequence kept,
/// written unchanged into both sheet formats.
/// </summary>
public class AdapterListTests
{
    private const string SetD = "CTGTCTCTTATACACATCTCCGAGCCCACGAGAC+ATGTGTATAAGAGACA";

    [Fact]
    public void A_kit_file_with_two_adapters_per_read_is_imported_with_both()
    {
        var kit = KitFiles.Parse("UdiSetD.tsv");

        kit.Strategy.ShouldBe(KitStrategies.UniqueDual);
        kit.Wells.Count.ShouldBe(8);
        kit.Adapters.ShouldBe(new Dictionary<string, string> { [KitAdapters.Read1] = SetD, [KitAdapters.Read2] = SetD });
        KitAdapters.Split(kit.Adapters[KitAdapters.Read1]).ShouldBe(["CTGTCTCTTATACACATCTCCGAGCCCACGAGAC", "ATGTGTATAAGAGACA"]);
        IndexKitRules.Validate(kit).ShouldBeEmpty();
    }

    [Fact]
    public void The_same_syntax_in_the_IndexKit_section_is_accepted_and_upper_cased()
    {
        const string text = "[IndexKit]\nName\tK\nIndexStrategy\tNoIndex\nAdapterRead1\tctgtctcttatacacatct+atgtgtataagagaca\n[Indices]\n";

        IlluminaKitFile.Parse(text).Kit.ShouldNotBeNull().Adapters[KitAdapters.Read1].ShouldBe("CTGTCTCTTATACACATCT+ATGTGTATAAGAGACA");
    }

    [Theory]
    [InlineData("CTGTCTCTTATACACATCT+", "An empty adapter between '+' signs")]
    [InlineData("+CTGTCTCTTATACACATCT", "An empty adapter between '+' signs")]
    [InlineData("CTGTCTCTTATACACATCT++ATGTGTATAAGAGACA", "An empty adapter between '+' signs")]
    [InlineData("CTGTCTCTTATACACATCT+ATGTGTAXAAGAGACA", "'X' in the adapter is not a base")]
    [InlineData("CTGTCTCTTATACACATCT ATGTGTATAAGAGACA", "' ' in the adapter is not a base")]
    public void A_malformed_list_is_refused_on_its_line(string adapter, string message)
    {
        var text = "[IndexKit]\nName\tK\nIndexStrategy\tNoIndex\n" +
            $"[Resources]\nName\tType\tFormat\tValue\nAdapterRead2\tAdapterRead2\tstring\t{adapter}\n[Indices]\n";

        var error = IlluminaKitFile.Parse(text).Errors.ShouldHaveSingleItem();

        error.Line.ShouldBe(6);
        error.Field.ShouldBe(KitAdapters.Read2);
        error.Message.ShouldStartWith(message);
    }

    [Fact]
    public void Each_sequence_of_a_list_has_the_single_adapter_bound_and_a_list_has_at_most_eight()
    {
        var longest = new string('A', IndexKitRules.MaxAdapterLength);

        IndexKitRules.Adapter(string.Join('+', Enumerable.Repeat(longest, KitAdapters.MaxCount))).ShouldBeNull();
        IndexKitRules.Adapter(longest + "+" + longest + "A").ShouldBe($"An adapter has at most {IndexKitRules.MaxAdapterLength} bases.");
        IndexKitRules.Adapter(string.Join('+', Enumerable.Repeat("ACGT", KitAdapters.MaxCount + 1)))
            .ShouldBe("At most 8 adapters may be joined by '+', not 9.");
    }

    [Fact]
    public void A_json_kit_with_a_list_validates_and_a_broken_list_names_its_json_path()
    {
        var kit = new IndexKitDefinition("K", null, null, KitStrategies.None, false, [], [],
            new Dictionary<string, string> { [KitAdapters.Read1] = SetD, [KitAdapters.Read2] = "ACGT+" }, []);

        IndexKitRules.Validate(kit).ShouldHaveSingleItem().Field.ShouldBe("adapters.AdapterRead2");
    }

    [Fact]
    public void A_run_merges_its_kits_adapters_each_sequence_once_in_the_order_first_seen()
    {
        KitAdapters.Merge([SetD, "CTGTCTCTTATACACATCT", null, "atgtgtataagagaca", ""])
            .ShouldBe("CTGTCTCTTATACACATCTCCGAGCCCACGAGAC+ATGTGTATAAGAGACA+CTGTCTCTTATACACATCT");
        KitAdapters.Merge([null, ""]).ShouldBeNull();
    }

    [Theory]
    [InlineData(SampleSheetFormat.V1, "[Settings]\r\nAdapter," + SetD + "\r\nAdapterRead2," + SetD + "\r\n")]
    [InlineData(
        SampleSheetFormat.V2,
        "[BCLConvert_Settings]\r\nSoftwareVersion,4.2.7\r\nBarcodeMismatchesIndex1,1\r\nBarcodeMismatchesIndex2,1\r\n" +
        "AdapterRead1," + SetD + "\r\nAdapterRead2," + SetD + "\r\n")]
    public void Both_sheet_formats_carry_every_sequence_joined_by_plus(SampleSheetFormat format, string expected)
    {
        var run = new SampleSheetRun("Set D", Instruments.NovaSeq6000, Instruments.ChemistryV15, new ReadCycles(151, 151, 10, 10), 1, 1,
            [new SampleSheetRow(1, "TS-LIB-261207-00001", "L1", "ACGTACGTAC", "TTGGCCAATT", null)])
        {
            AdapterRead1 = SetD.ToLowerInvariant(),
            AdapterRead2 = SetD,
        };

        SampleSheetWriter.Write(run, format).ShouldContain(expected);
    }

    [Fact]
    public void A_sheet_with_a_broken_list_is_not_written()
    {
        var run = new SampleSheetRun("r", Instruments.MiSeq, "", new ReadCycles(151, 151, 8, 8), 1, 1,
            [new SampleSheetRow(1, "L", "L", "ACGTACGT", null, null)]) { AdapterRead1 = "ACGT++ACGT" };

        Should.Throw<ArgumentException>(() => SampleSheetWriter.Write(run, SampleSheetFormat.V2)).Message.ShouldContain("empty adapter");
    }
}
