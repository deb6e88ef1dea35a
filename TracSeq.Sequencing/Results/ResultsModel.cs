using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.Results;

/// <summary>A library on a lane of the run, as planned: its pool, indices (i5 forward), target and kit well.</summary>
public sealed record RunLibrary(
    int Lane, Guid PoolId, Guid LibraryId, string Barcode, string Index1, string? Index2, long? TargetReads, bool NegativeControl,
    string? KitName, string? Well);

/// <summary>What the import needs to know about the run besides the files.</summary>
public sealed record RunContext(
    Guid RunId, string Instrument, string? Chemistry, string FlowcellId, ReadCycles Reads, IReadOnlyList<RunLibrary> Libraries,
    IReadOnlyList<KitWell> KitWells, IReadOnlyList<ElsewhereLibrary> Elsewhere, IReadOnlyList<Verdicts.QcThreshold> Thresholds);

public sealed record UnmatchedDto(int Lane, string SampleId, long Reads);

public sealed record ReadQ30Dto(int Read, double Q30Fraction);

public sealed record LaneResultDto(
    int Lane, long? TotalReads, long AssignedReads, long? UndeterminedReads, double? UndeterminedFraction, long? ClustersPf,
    double? Q30Fraction, IReadOnlyList<ReadQ30Dto> Q30ByRead);

public sealed record LibraryResultDto(
    int Lane, Guid LibraryId, string LibraryBarcode, long Reads, long PerfectReads, long OneMismatchReads, long? TwoMismatchReads,
    long? Yield, double? Q30Fraction, double? LaneFraction, double ExpectedFraction, double ExpectedReads, bool NegativeControl,
    string? Verdict, string? Reason);

public sealed record JobDto(string Job, IReadOnlyList<ImportedFile> Files, string? FlowcellType, string? CompletionStatus, string? CompletionError);

/// <summary>The computed results of one version (verdicts are filled in when read: they depend on every run).</summary>
public sealed record ResultsDocument(
    IReadOnlyList<string> Warnings, IReadOnlyList<UnmatchedDto> Unmatched, IReadOnlyList<LaneResultDto> Lanes,
    IReadOnlyList<LibraryResultDto> Libraries, IReadOnlyList<Finding> Findings, IReadOnlyList<JobDto> Jobs, string? FlowcellType);

/// <summary>GET /api/runs/{id}/results: the names scripts rely on (contract §2), and a little more.</summary>
public sealed record ResultsDto(
    Guid RunId, int Version, DateTime ImportedAt, IReadOnlyList<ImportedFile> Files, IReadOnlyList<string> Warnings,
    IReadOnlyList<UnmatchedDto> Unmatched, IReadOnlyList<LaneResultDto> Lanes, IReadOnlyList<LibraryResultDto> Libraries,
    IReadOnlyList<Finding> Findings, IReadOnlyList<JobDto> Jobs, string? FlowcellType, string Verdict, Guid ImportedBy);

public sealed record ResultsVersionDto(int Version, string Job, DateTime ImportedAt, Guid ImportedBy, IReadOnlyList<ImportedFile> Files, string Verdict);
