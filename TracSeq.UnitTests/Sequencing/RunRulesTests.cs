using TracSeq.Sequencing.Indexing;
using TracSeq.Sequencing.Runs;

namespace TracSeq.UnitTests.Sequencing;

public class RunRulesTests
{
    [Theory]
    [InlineData("MiSeq", 1)]
    [InlineData("iSeq100", 1)]
    [InlineData("MiniSeq", 1)]
    [InlineData("NextSeq500", 4)]
    [InlineData("NextSeq550", 4)]
    [InlineData("NextSeq1000", 2)]
    [InlineData("NextSeq2000", 2)]
    [InlineData("HiSeq2500", 8)]
    [InlineData("HiSeq4000", 8)]
    [InlineData("NovaSeq6000", 4)]
    [InlineData("NovaSeqX", 8)]
    public void Every_instrument_has_its_lane_count(string instrument, int lanes)
    {
        Instruments.IsKnown(instrument).ShouldBeTrue();
        Instruments.LaneCount(instrument).ShouldBe(lanes);
    }

    [Fact]
    public void The_list_has_the_eleven_instruments_in_order()
    {
        Instruments.All.ShouldBe(
        [
            "MiSeq", "iSeq100", "MiniSeq", "NextSeq500", "NextSeq550", "NextSeq1000", "NextSeq2000", "HiSeq2500", "HiSeq4000", "NovaSeq6000", "NovaSeqX",
        ]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("miseq")]
    [InlineData("NovaSeq 6000")]
    [InlineData("HiSeqX")]
    public void Unknown_instruments_are_refused(string? instrument)
    {
        Instruments.IsKnown(instrument).ShouldBeFalse();
        if (instrument is not null)
        {
            Should.Throw<ArgumentException>(() => Instruments.LaneCount(instrument));
        }
    }

    [Theory]
    [InlineData("NovaSeq6000", null, true, "v1.5")]
    [InlineData("NovaSeq6000", "", true, "v1.5")]
    [InlineData("NovaSeq6000", "v1.0", true, "v1.0")]
    [InlineData("NovaSeq6000", "v1.5", true, "v1.5")]
    [InlineData("NovaSeq6000", "v2", false, "v2")]
    [InlineData("NovaSeqX", null, true, null)]
    [InlineData("NovaSeqX", "v1.5", false, null)]
    [InlineData("MiSeq", "", true, null)]
    public void Only_the_novaseq_6000_has_a_chemistry_defaulting_to_v1_5(string instrument, string? chemistry, bool ok, string? resolved)
    {
        Instruments.TryResolveChemistry(instrument, chemistry, out var actual).ShouldBe(ok);
        actual.ShouldBe(resolved);
    }

    [Theory]
    [InlineData("Run 42", true)]
    [InlineData("NOVA_2026-11-27_flowcell-A", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    [InlineData("run,42", false)]
    [InlineData("run\n42", false)]
    [InlineData("run/42", false)]
    [InlineData("Läuf", false)]
    public void Run_names_are_letters_digits_spaces_dashes_and_underscores(string? name, bool valid) =>
        RunNames.IsValid(name).ShouldBe(valid);

    [Fact]
    public void Run_names_have_at_most_255_characters()
    {
        RunNames.IsValid(new string('r', 255)).ShouldBeTrue();
        RunNames.IsValid(new string('r', 256)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("ACGT", true)]
    [InlineData("acgtacgt", true)]
    [InlineData("ACGTACGTACGTACGTACGTACGT", true)]
    [InlineData("ACGTACGTACGTACGTACGTACGTA", false)]
    [InlineData("ACG", false)]
    [InlineData("ACGTN", false)]
    [InlineData("ACGU", false)]
    [InlineData("ACG T", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Index_sequences_are_4_to_24_bases_of_acgt(string? sequence, bool valid)
    {
        IndexSequence.IsValid(sequence).ShouldBe(valid);
        IndexSequence.Normalize(sequence).ShouldBe(valid ? sequence!.ToUpperInvariant() : null);
    }

    [Theory]
    [InlineData("ACGTTGCA", "TGCAACGT")]
    [InlineData("AACCGGTT", "AACCGGTT")]
    [InlineData("aaccc", "GGGTT")]
    [InlineData("GATTACA", "TGTAATC")]
    public void Reverse_complement(string forward, string reverse) =>
        IndexSequence.ReverseComplement(forward).ShouldBe(reverse);

    [Fact]
    public void Reverse_complement_refuses_anything_but_bases() =>
        Should.Throw<ArgumentException>(() => IndexSequence.ReverseComplement("ACGN"));
}

public class ReadCyclesTests
{
    [Fact]
    public void Usual_read_setups_have_no_problems()
    {
        new ReadCycles(151, 151, 10, 10).Problems().ShouldBeEmpty();
        new ReadCycles(75, 0, 8, 0).Problems().ShouldBeEmpty();
        new ReadCycles(251, 251, 0, 0).Problems().ShouldBeEmpty();
    }

    [Fact]
    public void Each_bad_read_is_named()
    {
        new ReadCycles(0, -1, 1001, -5).Problems().Select(p => p.Field).ShouldBe(["read1Cycles", "read2Cycles", "index1Cycles", "index2Cycles"]);
    }

    [Theory]
    [InlineData(8, 8, "ACGTACGT", "TGCATGCA", null)]
    [InlineData(10, 10, "ACGTACGT", "TGCATGCA", null)]
    [InlineData(10, 0, "ACGTACGT", "TGCATGCA", null)]
    [InlineData(10, 10, "ACGTACGT", null, null)]
    [InlineData(6, 8, "ACGTACGT", null, "Index 1 ACGTACGT has 8 bases; the run reads 6 Index 1 cycles.")]
    [InlineData(8, 6, "ACGTACGT", "TGCATGCA", "Index 2 TGCATGCA has 8 bases; the run reads 6 Index 2 cycles.")]
    [InlineData(0, 0, "ACGTACGT", null, "Index 1 ACGTACGT has 8 bases; the run reads 0 Index 1 cycles.")]
    public void An_index_longer_than_its_read_does_not_fit_and_a_shorter_one_does(int i1, int i2, string index1, string? index2, string? problem) =>
        new ReadCycles(151, 151, i1, i2).IndexDoesNotFit(index1, index2).ShouldBe(problem);
}
