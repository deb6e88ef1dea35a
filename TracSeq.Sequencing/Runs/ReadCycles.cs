namespace TracSeq.Sequencing.Runs;

/// <summary>The cycles of each read of a run; 0 means the read is not sequenced (e.g. single-end: Read2Cycles = 0).</summary>
public sealed record ReadCycles(int Read1Cycles, int Read2Cycles, int Index1Cycles, int Index2Cycles);
