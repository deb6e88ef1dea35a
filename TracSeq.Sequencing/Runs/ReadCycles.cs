using System.Globalization;

namespace TracSeq.Sequencing.Runs;

/// <summary>The cycles of each read of a run; 0 means the read is not sequenced (e.g. single-end: Read2Cycles = 0).</summary>
public sealed record ReadCycles(int Read1Cycles, int Read2Cycles, int Index1Cycles, int Index2Cycles)
{
    /// <summary>No Illumina kit reads more than 500 cycles in one read (MiSeq v2 500-cycle kit: 2 × 251); 1000 leaves room.</summary>
    public const int MaxCycles = 1000;

    /// <summary>
    /// What is wrong with these cycles, as (JSON field under <c>reads</c>, message): Read 1 has 1 to 1000 cycles, the
    /// others 0 to 1000.
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        void Check(string field, int cycles, int min)
        {
            if (cycles < min || cycles > MaxCycles)
            {
                problems.Add((field, string.Create(CultureInfo.InvariantCulture, $"{field} is {min} to {MaxCycles}.")));
            }
        }
        Check("read1Cycles", Read1Cycles, 1);
        Check("read2Cycles", Read2Cycles, 0);
        Check("index1Cycles", Index1Cycles, 0);
        Check("index2Cycles", Index2Cycles, 0);
        return problems;
    }

    /// <summary>
    /// Why a library's indices do not fit these index reads, or null when they do. Shorter is fine (the sample sheet
    /// masks the extra cycles with OverrideCycles); longer cannot be read. An Index 2 on a run without an Index 2 read is
    /// fine: the library is demultiplexed on Index 1 alone.
    /// </summary>
    public string? IndexDoesNotFit(string index1, string? index2)
    {
        ArgumentNullException.ThrowIfNull(index1);
        if (index1.Length > Index1Cycles)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Index 1 {index1} has {index1.Length} bases; the run reads {Index1Cycles} Index 1 cycles.");
        }
        if (Index2Cycles > 0 && index2 is { Length: > 0 } && index2.Length > Index2Cycles)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Index 2 {index2} has {index2.Length} bases; the run reads {Index2Cycles} Index 2 cycles.");
        }
        return null;
    }
}
