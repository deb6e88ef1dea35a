namespace TracSeq.Web.Api;

// The Sequencing API's JSON as the sequencing pages read it.

public sealed record IndexKitSummary(Guid Id, string Name, string? DisplayName, string? Version, string Strategy, bool FixedLayout,
    int IndexCount, int WellCount, DateTime CreatedAt);

public sealed record KitIndex(string Name, string Sequence, int Read);

public sealed record KitWell(string Well, string I7Name, string? I5Name);

public sealed record IndexKit(Guid Id, string Name, string? DisplayName, string? Version, string Strategy, bool FixedLayout,
    IReadOnlyList<KitIndex> Indices, IReadOnlyList<KitWell> Wells);

public sealed record LibraryIndex(Guid? KitId, string? KitName, string? Well, string? I7Name, string? I5Name, string Index1, string? Index2);

public sealed record QcResults(
    decimal? ConcentrationNgUl, decimal? ConcentrationNm, decimal? Rin, decimal? Din, decimal? AverageSizeBp, decimal? A260280, decimal? A260230);

public sealed record QcMeasurement(Guid Id, string TargetKind, Guid TargetId, string Type, DateTime MeasuredAt, string? Instrument,
    QcResults Results, string Outcome, string? Notes, Guid CreatedBy, DateTime CreatedAt);

public sealed record Library(Guid Id, string Barcode, Guid SampleId, string SampleBarcode, string Name, string? PrepKit, LibraryIndex Index,
    int? FragmentSizeBp, decimal? ConcentrationNgUl, decimal? VolumeUl, decimal? MolarityNm, string Status, string? StatusReason,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    // Run results (docs/run-results.md): reads summed over every run's current results, per run, and the verdict.
    public long? SequencedReads { get; init; }
    public IReadOnlyList<TracSeq.Web.SequencingResults.LibraryRunReads>? Runs { get; init; }
    public string? Verdict { get; init; }
    public long? TargetReads { get; init; }
    public bool? NegativeControl { get; init; }
}

public sealed record IndexCollision(string A, string B, int Index1Distance, int? Index2Distance);

public sealed record IndexCheck(bool Ok, IReadOnlyList<IndexCollision> Collisions, IReadOnlyList<string> Warnings);

public sealed record PoolLibrary(Guid Id, string Barcode, string Name, string Status, string Index1, string? Index2);

public sealed record Pool(Guid Id, string Barcode, string Name, int BarcodeMismatchesIndex1, int BarcodeMismatchesIndex2,
    IReadOnlyList<PoolLibrary> Libraries, IReadOnlyList<IndexCollision> Collisions, IReadOnlyList<string> Warnings, DateTime CreatedAt);

public sealed record PoolSummary(Guid Id, string Barcode, string Name, int LibraryCount, DateTime CreatedAt);

public sealed record RunSummary(Guid Id, string Name, string Instrument, string FlowcellId, string Status, DateTime CreatedAt);

public sealed record ReadCycles(int Read1Cycles, int Read2Cycles, int Index1Cycles, int Index2Cycles);

public sealed record RunLibrary(Guid Id, string Barcode, string Name, Guid SampleId, string SampleBarcode, string Index1, string? Index2);

public sealed record RunPool(Guid Id, string Barcode, string Name, IReadOnlyList<RunLibrary> Libraries);

public sealed record RunLane(int Lane, IReadOnlyList<RunPool> Pools);

public sealed record RunStatusChange(string? From, string To, string? Reason, Guid ActorId, string? ActorEmail, DateTime At);

public sealed record Run(Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, ReadCycles Reads,
    int BarcodeMismatchesIndex1, int BarcodeMismatchesIndex2, string Status, IReadOnlyList<RunLane> Lanes,
    IReadOnlyList<RunStatusChange> History, DateTime CreatedAt);

public static class SequencingVocabulary
{
    public static readonly string[] Instruments =
        ["MiSeq", "iSeq100", "MiniSeq", "NextSeq500", "NextSeq550", "NextSeq1000", "NextSeq2000", "HiSeq2500", "HiSeq4000", "NovaSeq6000", "NovaSeqX"];

    public static readonly string[] QcTypes = ["qubit", "nanodrop", "bioanalyzer", "tapestation", "qpcr", "fragment_analyzer", "other"];

    public static readonly string[] QcOutcomes = ["pass", "borderline", "fail"];

    /// <summary>The run moves people make from each status (Sequencing decides; this only picks the buttons).</summary>
    public static IReadOnlyList<(string To, string Verb)> RunMoves(string status) => status switch
    {
        "planned" => [("sequencing", "Start sequencing"), ("cancelled", "Cancel run")],
        "sequencing" => [("completed", "Complete run"), ("failed", "Fail run")],
        _ => [],
    };
}
