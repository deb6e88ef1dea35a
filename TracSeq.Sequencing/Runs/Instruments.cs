namespace TracSeq.Sequencing.Runs;

/// <summary>
/// The Illumina instruments a run can be planned on, with their flow-cell lane counts and reagent chemistries.
/// Names are the API's identifiers (no spaces); <see cref="PlatformName"/> gives the sample sheet's spelling.
/// </summary>
public static class Instruments
{
    public const string MiSeq = "MiSeq";
    public const string ISeq100 = "iSeq100";
    public const string MiniSeq = "MiniSeq";
    public const string NextSeq500 = "NextSeq500";
    public const string NextSeq550 = "NextSeq550";
    public const string NextSeq1000 = "NextSeq1000";
    public const string NextSeq2000 = "NextSeq2000";
    public const string HiSeq2500 = "HiSeq2500";
    public const string HiSeq4000 = "HiSeq4000";
    public const string NovaSeq6000 = "NovaSeq6000";
    public const string NovaSeqX = "NovaSeqX";

    /// <summary>NovaSeq 6000 reagent versions: v1.0 reads i5 on the forward strand, v1.5 after the paired-end turnaround.</summary>
    public const string ChemistryV10 = "v1.0";
    public const string ChemistryV15 = "v1.5";

    // Lanes per flow cell: the largest flow cell of each instrument (NextSeq 500/550 and NovaSeq 6000 S4 have 4, HiSeq
    // and NovaSeq X 25B have 8, NextSeq 1000/2000 P3/P4 have 2, the benchtop MiSeq/iSeq/MiniSeq have 1).
    private static readonly (string Name, int Lanes, string Platform)[] Table =
    [
        (MiSeq, 1, "MiSeq"),
        (ISeq100, 1, "iSeq 100"),
        (MiniSeq, 1, "MiniSeq"),
        (NextSeq500, 4, "NextSeq 500"),
        (NextSeq550, 4, "NextSeq 550"),
        (NextSeq1000, 2, "NextSeq 1000"),
        (NextSeq2000, 2, "NextSeq 2000"),
        (HiSeq2500, 8, "HiSeq 2500"),
        (HiSeq4000, 8, "HiSeq 4000"),
        (NovaSeq6000, 4, "NovaSeq 6000"),
        (NovaSeqX, 8, "NovaSeq X"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>Exact, case-sensitive match: the API's identifiers are spelled one way.</summary>
    public static bool IsKnown(string? instrument) => instrument is not null && Array.Exists(Table, t => t.Name == instrument);

    public static int LaneCount(string instrument) => Find(instrument).Lanes;

    /// <summary>How Illumina writes the instrument in a sample sheet header (e.g. <c>NovaSeq 6000</c>).</summary>
    public static string PlatformName(string instrument) => Find(instrument).Platform;

    /// <summary>Only the NovaSeq 6000 has a chemistry choice.</summary>
    public static bool HasChemistry(string instrument) => instrument == NovaSeq6000;

    /// <summary>
    /// The chemistry a run uses: for the NovaSeq 6000 the given one (null or empty = v1.5, the current reagents), for
    /// every other instrument null. Returns false for a chemistry the instrument does not have (the API answers 400).
    /// </summary>
    public static bool TryResolveChemistry(string instrument, string? chemistry, out string? resolved)
    {
        if (!HasChemistry(instrument))
        {
            resolved = null;
            return string.IsNullOrEmpty(chemistry);
        }
        resolved = string.IsNullOrEmpty(chemistry) ? ChemistryV15 : chemistry;
        return resolved is ChemistryV10 or ChemistryV15;
    }

    private static (string Name, int Lanes, string Platform) Find(string instrument)
    {
        foreach (var t in Table)
        {
            if (t.Name == instrument)
            {
                return t;
            }
        }
        throw new ArgumentException($"Unknown instrument '{instrument}'; known: {string.Join(", ", All)}.", nameof(instrument));
    }
}
