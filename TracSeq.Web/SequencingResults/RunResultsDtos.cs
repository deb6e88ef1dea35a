using System.Text.Json;

namespace TracSeq.Web.SequencingResults;

// GET /api/runs/{id}/results as the contract (docs/run-results.md) shapes it; fields that do not apply are null.

public sealed record ResultFile(string Name, string Sha256);

public sealed record UnmatchedResult(int Lane, string SampleId, long Reads);

public sealed record LaneResult(int Lane, long? TotalReads, long AssignedReads, long? UndeterminedReads, double? UndeterminedFraction,
    long? ClustersPf, double? Q30Fraction);

public sealed record LibraryResult(int Lane, Guid? LibraryId, string LibraryBarcode, long Reads, long? PerfectReads, long? OneMismatchReads,
    long? TwoMismatchReads, long? Yield, double? Q30Fraction, double? LaneFraction, double? ExpectedFraction, string? Verdict, string? Reason);

public sealed record FindingKit(string? Name, string? Well);

/// <summary>A change to the sheet that a confirmed finding implies: a library's index1, index2 (forward) or lane.</summary>
public sealed record FindingCorrection(string Field, string? From, string? To);

/// <summary>
/// One finding of the diagnosis or of lane QC. <see cref="Fix"/> is the service's own sentence; lane QC names its
/// <see cref="Check"/>, <see cref="Threshold"/> and <see cref="Value"/>; <see cref="Corrections"/> the confirmed changes.
/// </summary>
public sealed record Finding(string Label, string? Strength, int? Lane, Guid? LibraryId, string? LibraryBarcode, string? Index, string? Index2,
    long? Reads, FindingKit? Kit, int? OtherLane, string? Fix)
{
    public string? Check { get; init; }
    public double? Threshold { get; init; }
    public double? Value { get; init; }
    public IReadOnlyList<FindingCorrection>? Corrections { get; init; }
}

public sealed record RunResults(Guid RunId, int Version, DateTime ImportedAt, IReadOnlyList<ResultFile> Files, IReadOnlyList<JsonElement> Warnings,
    IReadOnlyList<UnmatchedResult> Unmatched, IReadOnlyList<LaneResult> Lanes, IReadOnlyList<LibraryResult> Libraries,
    IReadOnlyList<Finding> Findings);

/// <summary>A library's reads in one run (GET /api/libraries/{id} → runs).</summary>
public sealed record LibraryRunReads(Guid RunId, long Reads);
