using System.Globalization;
using System.Text;
using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.SampleSheets;

/// <summary>
/// BCL Convert's OverrideCycles: one part per sequenced read, <c>Y</c> = read cycles, <c>I</c> = index cycles,
/// <c>N</c> = cycles to ignore, e.g. <c>Y151;I8N2;I8N2;Y151</c> for 8-base indices read with 10 index cycles. Reads with
/// 0 cycles have no part. Where the N's of a short Index 2 go follows Illumina knowledge article 000005671 ("How to use
/// the OverrideCycles setting"): on instruments that read i5 in the reverse-complement orientation (the
/// reverse-complement workflow, see <see cref="I5Orientation"/>) the N's come first (<c>N2I8</c>); otherwise, and always
/// for Index 1, they come last (<c>I8N2</c>). A read with no index for the library is all N's.
/// </summary>
public static class OverrideCycles
{
    /// <summary>The value for indices of the given lengths (0 = none); throws when an index is longer than its read.</summary>
    public static string For(ReadCycles reads, int index1Length, int index2Length, bool index2NsFirst)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var parts = new List<string>(4);
        if (reads.Read1Cycles > 0)
        {
            parts.Add(Cycles('Y', reads.Read1Cycles));
        }
        if (reads.Index1Cycles > 0)
        {
            parts.Add(IndexPart(reads.Index1Cycles, index1Length, nsFirst: false, "Index 1"));
        }
        if (reads.Index2Cycles > 0)
        {
            parts.Add(IndexPart(reads.Index2Cycles, index2Length, index2NsFirst, "Index 2"));
        }
        if (reads.Read2Cycles > 0)
        {
            parts.Add(Cycles('Y', reads.Read2Cycles));
        }
        return string.Join(';', parts);
    }

    /// <summary>Whether an index of this length (0 = none) leaves cycles of its read unused, so the sheet needs OverrideCycles.</summary>
    public static bool Masks(int cycles, int indexLength) => cycles > 0 && indexLength < cycles;

    private static string IndexPart(int cycles, int length, bool nsFirst, string read)
    {
        if (length > cycles)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"An {read} of {length} bases is longer than the run's {cycles} {read} cycles."));
        }
        if (length == cycles)
        {
            return Cycles('I', cycles);
        }
        if (length == 0)
        {
            return Cycles('N', cycles);
        }
        var (index, ignored) = (Cycles('I', length), Cycles('N', cycles - length));
        return nsFirst ? ignored + index : index + ignored;
    }

    private static string Cycles(char kind, int count) =>
        new StringBuilder().Append(kind).Append(count.ToString(CultureInfo.InvariantCulture)).ToString();
}
