using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.SampleSheets;

/// <summary>
/// Which way round a sample sheet must give the i5 (Index 2) sequence. Kits and libraries keep i5 in the forward
/// orientation ("i5 bases for sample sheet, forward strand workflow"); the orientation is decided only here, when a
/// sheet is written.
///
/// Source: Illumina knowledge article 000001800, "Guidelines for reverse complementing i5 sequences for
/// demultiplexing". It says all instruments read i7 the same way, but i5 in two ways: the forward-strand workflow
/// (MiSeq, HiSeq 2000/2500, NovaSeq 6000 with v1.0 reagents) reads i5 before the paired-end turnaround, in the forward
/// orientation; the reverse-complement workflow (iSeq 100, MiniSeq, NextSeq 500/550 and 1000/2000, HiSeq 3000/4000/X,
/// NovaSeq 6000 with v1.5 reagents, NovaSeq X) reads it after the turnaround, as its reverse complement. Its table then
/// says what to type into the sheet for each program:
/// <list type="bullet">
/// <item>"Standalone bcl2fastq" (our v1 sheet): F for the forward-strand instruments, RC for every
/// reverse-complement-workflow instrument, including NextSeq 1000/2000.</item>
/// <item>"Standalone BCL Convert" (our v2 sheet): F for MiSeq; F for NextSeq 1000/2000 and NovaSeq X, whose RunInfo.xml
/// marks the Index 2 read IsReverseComplement so BCL Convert turns the forward sequence round itself; RC for the other
/// reverse-complement-workflow instruments (iSeq 100, MiniSeq, NextSeq 500/550, HiSeq 4000, NovaSeq 6000 v1.5); and F
/// for the remaining forward-strand ones (HiSeq 2500, NovaSeq 6000 v1.0), which read i5 as it is.</item>
/// </list>
/// </summary>
public static class I5Orientation
{
    /// <summary>True when the instrument reads i5 after the paired-end turnaround (Illumina's "workflow B").</summary>
    public static bool IsReverseComplementWorkflow(string instrument, string? chemistry) => instrument switch
    {
        Instruments.MiSeq or Instruments.HiSeq2500 => false,
        Instruments.NovaSeq6000 => chemistry != Instruments.ChemistryV10,
        _ when Instruments.IsKnown(instrument) => true,
        _ => throw new ArgumentException($"Unknown instrument '{instrument}'.", nameof(instrument)),
    };

    /// <summary>Whether the sheet must carry the reverse complement of the forward i5 sequence.</summary>
    public static bool ReverseComplemented(string instrument, string chemistry, SampleSheetFormat format)
    {
        if (!IsReverseComplementWorkflow(instrument, chemistry))
        {
            return false;
        }
        return format switch
        {
            SampleSheetFormat.V1 => true,
            // BCL Convert reads IsReverseComplement from these instruments' RunInfo.xml and expects the forward i5.
            SampleSheetFormat.V2 => instrument is not (Instruments.NextSeq1000 or Instruments.NextSeq2000 or Instruments.NovaSeqX),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }
}
