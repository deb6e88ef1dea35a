namespace TracSeq.Sequencing.Results.Diagnosis;

/// <summary>The words of the diagnosis, as the API answers them.</summary>
public static class FindingLabels
{
    public const string I5Orientation = "i5_orientation";
    public const string I7ReverseComplemented = "i7_reverse_complemented";
    public const string IndicesSwapped = "indices_swapped";
    public const string WrongWell = "wrong_well";
    public const string WrongI5Plate = "wrong_i5_plate";
    public const string NoI5 = "no_i5";
    public const string I7NotRead = "i7_not_read";
    public const string ShiftedIndex = "shifted_index";
    public const string WrongLane = "wrong_lane";
    public const string NoIndexExplanation = "no_index_explanation";
    public const string Hopped = "hopped";
    public const string NotOnSheet = "not_on_sheet";
    public const string WrongPool = "wrong_pool";
    public const string NoIndexSignature = "no_index_signature";
    public const string Unexplained = "unexplained";
    public const string LaneQc = "lane_qc";

    public static readonly IReadOnlyList<string> All =
    [
        I5Orientation, I7ReverseComplemented, IndicesSwapped, WrongWell, WrongI5Plate, NoI5, I7NotRead, ShiftedIndex, WrongLane,
        NoIndexExplanation, Hopped, NotOnSheet, WrongPool, NoIndexSignature, Unexplained, LaneQc,
    ];
}

public static class Strengths
{
    public const string Confirmed = "confirmed";
    public const string Partial = "partial";
    public const string Trace = "trace";
    public const string Ambiguous = "ambiguous";

    /// <summary>The matched barcode's reads against the library's expected reads: ≥ 50 % confirmed, 10–50 % partial, below trace.</summary>
    public static string Of(long reads, double expected) =>
        expected <= 0 ? Confirmed : reads >= 0.5 * expected ? Confirmed : reads >= 0.1 * expected ? Partial : Trace;
}

/// <summary>A library on a lane as the diagnosis sees it: i5 in the forward orientation (as TracSeq stores it).</summary>
public sealed record LaneLibrary(
    int Lane, Guid LibraryId, string Barcode, string I7, string? I5, long Reads, double ExpectedReads, bool NegativeControl,
    string? KitName, string? Well);

/// <summary>A well of an imported kit (i5 forward).</summary>
public sealed record KitWell(string Kit, string Well, string I7, string? I5);

/// <summary>A library of another TracSeq pool (not on this run), for <c>wrong_pool</c>.</summary>
public sealed record ElsewhereLibrary(string Barcode, string Pool, string I7, string? I5);

/// <summary>
/// How the reports give the indices: i7 as it is; i5 reverse-complemented when the instrument reads it after the
/// paired-end turnaround (the rule TracSeq writes sheets by) or RunInfo marks the Index 2 read IsReverseComplement.
/// </summary>
public sealed record IndexReading(bool I5ReverseComplemented, int Index1Cycles, int Index2Cycles);

/// <summary>One change the corrected sheet makes: a library's index1, index2 (forward) or lane.</summary>
public sealed record Correction(Guid LibraryId, string LibraryBarcode, int Lane, string Field, string? From, string? To, string Label, string Reason);

public sealed record FindingKit(string Name, string? Well);

/// <summary>A finding as the API answers it; fields that do not apply are null.</summary>
public sealed record Finding(
    string Label, string? Strength, int? Lane, Guid? LibraryId, string? LibraryBarcode, string? Index, string? Index2, long? Reads,
    FindingKit? Kit, int? OtherLane, string? Fix)
{
    /// <summary>Which form of the library's indices matched (e.g. "(i7, rc i5)").</summary>
    public string? Form { get; init; }

    /// <summary>Lane QC: the check, the threshold and the value found.</summary>
    public string? Check { get; init; }
    public double? Threshold { get; init; }
    public double? Value { get; init; }

    /// <summary>The sheet changes a confirmed finding implies (none for the others).</summary>
    public IReadOnlyList<Correction> Corrections { get; init; } = [];
}
