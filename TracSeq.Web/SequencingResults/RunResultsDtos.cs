using System.Text.Json;

namespace TracSeq.Web.SequencingResults;

// GET /api/runs/{id}/results as the contract (docs/run-results.md) shapes it; fields that do not apply are null.

public sealed record ResultFile(string Name, string Sha256);

public sealed record UnmatchedResult(int Lane, string SampleId, long Reads);

public sealed record LaneResult(int Lane, long TotalReads, long AssignedReads, long? UndeterminedReads, double? UndeterminedFraction,
    long? ClustersPf, double? Q30Fraction);

public sealed record LibraryResult(int Lane, Guid? LibraryId, string LibraryBarcode, long Reads, long? PerfectReads, long? OneMismatchReads,
    long? TwoMismatchReads, long? Yield, double? Q30Fraction, double? LaneFraction, double? ExpectedFraction, string? Verdict, string? Reason);

public sealed record FindingKit(string? Name, string? Well);

/// <summary>One finding of the diagnosis. <see cref="Fix"/> is what the service proposes (text or a structured change).</summary>
public sealed record Finding(string Label, string? Strength, int? Lane, Guid? LibraryId, string? LibraryBarcode, string? Index, string? Index2,
    long? Reads, FindingKit? Kit, int? OtherLane, JsonElement? Fix);

public sealed record RunResults(Guid RunId, int Version, DateTime ImportedAt, IReadOnlyList<ResultFile> Files, IReadOnlyList<JsonElement> Warnings,
    IReadOnlyList<UnmatchedResult> Unmatched, IReadOnlyList<LaneResult> Lanes, IReadOnlyList<LibraryResult> Libraries,
    IReadOnlyList<Finding> Findings);

/// <summary>A library's reads in one run (GET /api/libraries/{id} → runs).</summary>
public sealed record LibraryRunReads(Guid RunId, long Reads);
