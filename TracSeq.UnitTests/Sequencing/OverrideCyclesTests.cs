using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.SampleSheets;

namespace TracSeq.UnitTests.Sequencing;

public class OverrideCyclesTests
{
    [Theory]
    // Indices fill their reads.
    [InlineData(151, 151, 8, 8, 8, 8, false, "Y151;I8;I8;Y151")]
    // Shorter indices: N's after the index, or (i5 read as reverse complement) before it on Index 2 only.
    [InlineData(151, 151, 10, 10, 8, 8, false, "Y151;I8N2;I8N2;Y151")]
    [InlineData(151, 151, 10, 10, 8, 8, true, "Y151;I8N2;N2I8;Y151")]
    [InlineData(151, 151, 10, 10, 6, 10, true, "Y151;I6N4;I10;Y151")]
    // No Index 2 read: that part is left out; no Read 2 likewise.
    [InlineData(151, 151, 10, 0, 8, 0, false, "Y151;I8N2;Y151")]
    [InlineData(75, 0, 8, 0, 6, 0, false, "Y75;I6N2")]
    // A single-indexed library on a dual-index run ignores the whole Index 2 read.
    [InlineData(151, 151, 10, 10, 10, 0, true, "Y151;I10;N10;Y151")]
    public void Override_cycles(int r1, int r2, int i1, int i2, int len1, int len2, bool nsFirst, string expected) =>
        OverrideCycles.For(new ReadCycles(r1, r2, i1, i2), len1, len2, nsFirst).ShouldBe(expected);

    [Fact]
    public void An_index_longer_than_its_read_is_refused() =>
        Should.Throw<ArgumentException>(() => OverrideCycles.For(new ReadCycles(151, 151, 8, 8), 10, 8, false));

    [Theory]
    [InlineData(10, 8, true)]
    [InlineData(10, 0, true)]
    [InlineData(8, 8, false)]
    [InlineData(0, 0, false)]
    public void Masks_when_an_index_leaves_cycles_unused(int cycles, int length, bool masks) =>
        OverrideCycles.Masks(cycles, length).ShouldBe(masks);
}
