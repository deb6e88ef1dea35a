using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>
/// What a v2 schema validator and on-instrument analysis need: [BCLConvert_Settings] SoftwareVersion on every v2 sheet
/// (a setting per instrument with a default) and, for the NovaSeq X, IndexOrientation,Forward in [Header].
/// </summary>
public class SoftwareVersionTests
{
    private static SampleSheetRun Run(string instrument) =>
        new("r", instrument, instrument == Instruments.NovaSeq6000 ? Instruments.ChemistryV15 : "", new ReadCycles(151, 151, 8, 8), 1, 1,
            [new SampleSheetRow(1, "TS-LIB-261207-00001", "L1", "ACGTACGT", "TTGGCCAA", null)]);

    public static TheoryData<string> EveryInstrument => [.. Instruments.All];

    [Theory]
    [MemberData(nameof(EveryInstrument))]
    public void Every_v2_sheet_names_its_BCL_Convert_version_first_in_its_settings_and_no_v1_sheet_does(string instrument)
    {
        var v2 = SampleSheetWriter.Write(Run(instrument) with { SoftwareVersion = "4.3.6" }, SampleSheetFormat.V2);
        var v1 = SampleSheetWriter.Write(Run(instrument), SampleSheetFormat.V1);

        v2.ShouldContain("[BCLConvert_Settings]\r\nSoftwareVersion,4.3.6\r\n");
        v1.ShouldNotContain("SoftwareVersion");
    }

    [Theory]
    [MemberData(nameof(EveryInstrument))]
    public void Only_the_NovaSeq_X_header_says_IndexOrientation_Forward(string instrument)
    {
        var header = SampleSheetWriter.Write(Run(instrument), SampleSheetFormat.V2).Split("\r\n\r\n")[0];

        header.Contains("\r\nIndexOrientation,Forward", StringComparison.Ordinal).ShouldBe(instrument == Instruments.NovaSeqX);
    }

    [Fact]
    public void The_NovaSeq_X_sheet_gives_i5_forward_as_its_header_says()
    {
        var v2 = SampleSheetWriter.Write(Run(Instruments.NovaSeqX), SampleSheetFormat.V2);

        v2.ShouldContain("1,TS-LIB-261207-00001,ACGTACGT,TTGGCCAA,");
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("v4.2.7")]
    [InlineData("4.2.7\r\nOverrideCycles,Y1")]
    [InlineData("4.2.7.1.2")]
    public void A_version_that_is_not_a_version_is_never_written(string version)
    {
        Should.Throw<ArgumentException>(() => SampleSheetWriter.Write(Run(Instruments.MiSeq) with { SoftwareVersion = version }, SampleSheetFormat.V2))
            .Message.ShouldContain("SoftwareVersion");
    }

    [Fact]
    public void The_default_applies_to_every_instrument_unless_one_is_configured_for_it()
    {
        var options = new SampleSheetOptions { BclConvertVersionByInstrument = { [Instruments.NovaSeqX] = "4.3.6" } };

        options.BclConvertVersionFor(Instruments.NovaSeqX).ShouldBe("4.3.6");
        options.BclConvertVersionFor(Instruments.NextSeq2000).ShouldBe(SampleSheetOptions.DefaultBclConvertVersion);
        SampleSheetOptions.DefaultBclConvertVersion.ShouldBe("4.2.7");
        options.Errors().ShouldBeEmpty();
    }

    [Fact]
    public void Configuration_naming_an_unknown_instrument_or_a_non_version_is_refused()
    {
        var options = new SampleSheetOptions
        {
            BclConvertVersion = "latest",
            BclConvertVersionByInstrument = { ["NovaSeq X"] = "4.3.6", [Instruments.MiSeq] = "4.2" + "\n" },
        };

        options.Errors().Count().ShouldBe(3);
    }
}
