using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>
/// The i5 orientation table, written out by hand from Illumina knowledge article 000001800 ("Guidelines for reverse
/// complementing i5 sequences for demultiplexing"), independently of the code: column "Standalone bcl2fastq" for our
/// v1 sheet, column "Standalone BCL Convert" for our v2 sheet. F = forward (as the kit gives it), RC = reverse complement.
/// The article groups the instruments: forward-strand workflow (MiSeq, HiSeq 2500, NovaSeq 6000 v1.0 reagents) and
/// reverse-complement workflow (iSeq 100, MiniSeq, NextSeq 500/550, NextSeq 1000/2000, HiSeq 4000, NovaSeq 6000 v1.5,
/// NovaSeq X); NextSeq 1000/2000 and NovaSeq X take F in a v2 sheet because BCL Convert reverse-complements for them.
/// </summary>
public class I5OrientationTests
{
    public static TheoryData<string, string, string, string> Table => new()
    {
        // instrument              chemistry  v1 (bcl2fastq)  v2 (BCL Convert)
        { Instruments.MiSeq,        "",        "F",            "F" },
        { Instruments.ISeq100,      "",        "RC",           "RC" },
        { Instruments.MiniSeq,      "",        "RC",           "RC" },
        { Instruments.NextSeq500,   "",        "RC",           "RC" },
        { Instruments.NextSeq550,   "",        "RC",           "RC" },
        { Instruments.NextSeq1000,  "",        "RC",           "F" },
        { Instruments.NextSeq2000,  "",        "RC",           "F" },
        { Instruments.HiSeq2500,    "",        "F",            "F" },
        { Instruments.HiSeq4000,    "",        "RC",           "RC" },
        { Instruments.NovaSeq6000,  "v1.0",    "F",            "F" },
        { Instruments.NovaSeq6000,  "v1.5",    "RC",           "RC" },
        { Instruments.NovaSeqX,     "",        "RC",           "F" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_instrument_and_format_writes_i5_as_the_article_says(string instrument, string chemistry, string v1, string v2)
    {
        I5Orientation.ReverseComplemented(instrument, chemistry, SampleSheetFormat.V1).ShouldBe(v1 == "RC", $"{instrument} {chemistry} v1");
        I5Orientation.ReverseComplemented(instrument, chemistry, SampleSheetFormat.V2).ShouldBe(v2 == "RC", $"{instrument} {chemistry} v2");
    }

    [Fact]
    public void The_table_covers_every_instrument()
    {
        Table.Select(row => (string)row[0]).Distinct().ShouldBe(Instruments.All, ignoreOrder: true);
    }

    [Fact]
    public void A_novaseq_6000_without_a_chemistry_is_the_current_v1_5()
    {
        I5Orientation.ReverseComplemented(Instruments.NovaSeq6000, "", SampleSheetFormat.V1).ShouldBeTrue();
        I5Orientation.IsReverseComplementWorkflow(Instruments.NovaSeq6000, null).ShouldBeTrue();
    }

    [Fact]
    public void An_unknown_instrument_is_refused() =>
        Should.Throw<ArgumentException>(() => I5Orientation.ReverseComplemented("MinION", "", SampleSheetFormat.V2));
}
