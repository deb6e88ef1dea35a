namespace TracSeq.Sequencing.Kits;

/// <summary>One index of a kit. Read 1 = i7 (Index 1), 2 = i5 (Index 2, forward strand as the kit gives it).</summary>
public sealed record KitIndex(string Name, string Sequence, int Read);

/// <summary>A well of a fixed-layout plate and the index (pair) in it; <see cref="I5Name"/> is null for single-index plates.</summary>
public sealed record KitWell(string Well, string I7Name, string? I5Name);

/// <summary>
/// An index kit however it arrived (Illumina kit file or JSON). Strategy is one of <see cref="KitStrategies"/>;
/// Adapters maps <c>AdapterRead1</c>/<c>AdapterRead2</c> to their sequences when the kit names them.
/// </summary>
public sealed record IndexKitDefinition(
    string Name,
    string? DisplayName,
    string? Version,
    string Strategy,
    bool FixedLayout,
    IReadOnlyList<KitIndex> Indices,
    IReadOnlyList<KitWell> Wells,
    IReadOnlyDictionary<string, string> Adapters,
    IReadOnlyList<string> SupportedLibraryPrepKits);

/// <summary>
/// What is wrong with a kit: <see cref="Line"/> is the 1-based line of a kit file (null for JSON input or a problem of
/// the whole file), <see cref="Field"/> the column or key (kit file) or the JSON path (e.g. <c>indices[3].sequence</c>).
/// </summary>
public sealed record KitError(int? Line, string Field, string Message);

/// <summary>
/// Either a kit (no errors) or the errors found (no kit): the first <see cref="IlluminaKitFile.MaxErrors"/> in file order,
/// and how many there were in all.
/// </summary>
public sealed record KitParseResult(IndexKitDefinition? Kit, IReadOnlyList<KitError> Errors, int? ErrorCount = null)
{
    public bool Ok => Kit is not null && Errors.Count == 0;

    public int TotalErrors => ErrorCount ?? Errors.Count;
}

/// <summary>The kit strategies TracSeq stores.</summary>
public static class KitStrategies
{
    /// <summary>i7 only.</summary>
    public const string Single = "single";

    /// <summary>i7 and i5, any combination (combinatorial kits).</summary>
    public const string Dual = "dual";

    /// <summary>i7 and i5 in fixed pairs, each index used once (UDI plates).</summary>
    public const string UniqueDual = "unique_dual";

    /// <summary>No index (a kit that only names adapters).</summary>
    public const string None = "none";

    /// <summary>Single or dual, the user chooses per library (Illumina's <c>All</c>).</summary>
    public const string All = "all";

    public static IReadOnlyList<string> Known { get; } = [Single, Dual, UniqueDual, None, All];

    public static bool IsKnown(string? strategy) => strategy is not null && Known.Contains(strategy);
}

/// <summary>Adapter keys in <see cref="IndexKitDefinition.Adapters"/>, named as a v2 sample sheet names them.</summary>
public static class KitAdapters
{
    public const string Read1 = "AdapterRead1";
    public const string Read2 = "AdapterRead2";

    /// <summary>The most adapters one setting may join with '+' (Illumina's kits use one or two).</summary>
    public const int MaxCount = 8;

    /// <summary>The sequences of a setting (<c>A+B</c> → A, B), upper-cased; none for null or empty.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.ToUpperInvariant().Split('+');

    /// <summary>
    /// Several settings merged into one for a whole run (a sample sheet's adapters apply to every sample): every
    /// distinct sequence once, in the order first seen, joined by '+'; null when there is none.
    /// </summary>
    public static string? Merge(IEnumerable<string?> values)
    {
        var sequences = values.SelectMany(Split).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return sequences.Count == 0 ? null : string.Join('+', sequences);
    }
}
