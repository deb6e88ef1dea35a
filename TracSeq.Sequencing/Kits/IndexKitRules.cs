using System.Globalization;
using TracSeq.Sequencing.Indexing;

namespace TracSeq.Sequencing.Kits;

/// <summary>
/// The rules an index kit must meet, whether it came as an Illumina kit file or as JSON. Each rule is written once here:
/// the per-item rules (<see cref="IndexName(string)"/>, <see cref="Sequence"/>, <see cref="Well"/>, …) return a message or null,
/// so the kit-file parser can attach a line number and <see cref="Validate"/> a JSON path.
/// </summary>
public static class IndexKitRules
{
    public const int MaxNameLength = 255;
    public const int MaxIndexNameLength = 100;
    public const int MaxAdapterLength = 150;

    /// <summary>Every error of a kit built from JSON (fields are JSON paths); empty when the kit may be stored.</summary>
    public static IReadOnlyList<KitError> Validate(IndexKitDefinition kit)
    {
        ArgumentNullException.ThrowIfNull(kit);
        var errors = new List<KitError>();
        void Add(string field, string? message)
        {
            if (message is not null)
            {
                errors.Add(new KitError(null, field, message));
            }
        }
        Add("name", KitName(kit.Name));
        Add("strategy", Strategy(kit.Strategy));
        ValidateIndices(kit, Add);
        foreach (var (key, sequence) in kit.Adapters)
        {
            Add(HasControlCharacters(key) ? "adapters" : $"adapters.{key}",
                HasControlCharacters(key) ? "An adapter's name has no control characters." : Adapter(sequence));
        }
        ValidateWells(kit, Add);
        errors.AddRange(Consistency(kit).Select(e => new KitError(null, e.Field, e.Message)));
        return errors;
    }

    /// <summary>Each index's name, sequence and read, and no two indices of one read by the same name.</summary>
    private static void ValidateIndices(IndexKitDefinition kit, Action<string, string?> add)
    {
        var firstByName = new Dictionary<(int Read, string Name), int>();
        for (var i = 0; i < kit.Indices.Count; i++)
        {
            var index = kit.Indices[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"indices[{i}]");
            add($"{at}.name", IndexName(index.Name));
            add($"{at}.sequence", Sequence(index.Sequence));
            add($"{at}.read", Read(index.Read));
            if (index.Name is not null && !firstByName.TryAdd((index.Read, index.Name), i))
            {
                var first = string.Create(CultureInfo.InvariantCulture, $"indices[{firstByName[(index.Read, index.Name)]}]");
                add($"{at}.name", DuplicateIndexName(index.Name, index.Read, first));
            }
        }
    }

    /// <summary>Each well once, naming indices the kit has.</summary>
    private static void ValidateWells(IndexKitDefinition kit, Action<string, string?> add)
    {
        var wells = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < kit.Wells.Count; i++)
        {
            var well = kit.Wells[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"wells[{i}]");
            add($"{at}.well", Well(well.Well, out var normalized));
            if (normalized is not null && !wells.TryAdd(normalized, i))
            {
                add($"{at}.well", DuplicateWell(normalized, string.Create(CultureInfo.InvariantCulture, $"wells[{wells[normalized]}]")));
            }
            add($"{at}.i7Name", UnknownIndex(kit, well.I7Name, read: 1));
            if (well.I5Name is not null)
            {
                add($"{at}.i5Name", UnknownIndex(kit, well.I5Name, read: 2));
            }
        }
    }

    public static string? KitName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "A kit needs a name."
        : name.Length > MaxNameLength ? $"A kit name has at most {MaxNameLength} characters."
        : HasControlCharacters(name) ? "A kit name has no control characters."
        : null;

    /// <summary>
    /// Names (kits, indices, wells) are one line of printable text: any control character, tab and line breaks included,
    /// is refused (PostgreSQL cannot store NUL, and a sample sheet cell cannot hold the others). Free text elsewhere
    /// follows the service-wide rule, which allows tabs and line breaks (ValidationErrors.Text).
    /// </summary>
    public static bool HasControlCharacters(string value) => HasControlCharacters(value.AsSpan());

    public static bool HasControlCharacters(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    public static string? Strategy(string? strategy) =>
        KitStrategies.IsKnown(strategy) ? null : $"The strategy must be one of {string.Join(", ", KitStrategies.Known)}.";

    public static string? IndexName(string? name) => IndexName(name.AsSpan());

    /// <summary>The same rule on a slice (a kit file's cell), without making a string of it.</summary>
    public static string? IndexName(ReadOnlySpan<char> name) =>
        name.IsWhiteSpace() ? "An index needs a name."
        : name.Length > MaxIndexNameLength ? $"An index name has at most {MaxIndexNameLength} characters."
        : HasControlCharacters(name) ? "An index name has no control characters."
        : null;

    public static string? Sequence(string? sequence)
    {
        if (IndexSequence.IsValid(sequence))
        {
            return null;
        }
        if (string.IsNullOrEmpty(sequence))
        {
            return "An index needs a sequence.";
        }
        return IndexSequence.FirstInvalidBase(sequence) is { } bad
            ? $"'{bad}' in {sequence} is not a base: an index has only A, C, G and T."
            : $"An index has {IndexSequence.MinLength} to {IndexSequence.MaxLength} bases; {sequence} has {sequence.Length}.";
    }

    public static string? Read(int read) => read is 1 or 2 ? null : "The index read is 1 (i7) or 2 (i5).";

    /// <summary>
    /// An adapter setting: one sequence, or several joined by '+' (BCL Convert's syntax for trimming each of them
    /// independently, as Illumina's own kit files write it, e.g. DNA/RNA UD Indexes Set D). At most
    /// <see cref="KitAdapters.MaxCount"/> sequences of at most <see cref="MaxAdapterLength"/> bases each.
    /// </summary>
    public static string? Adapter(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var sequences = value.Split('+');
        if (sequences.Length > KitAdapters.MaxCount)
        {
            return string.Create(CultureInfo.InvariantCulture, $"At most {KitAdapters.MaxCount} adapters may be joined by '+', not {sequences.Length}.");
        }
        foreach (var sequence in sequences)
        {
            var message = sequence.Length == 0 ? "An empty adapter between '+' signs: join whole sequences, e.g. CTGTCTCTTATACACATCT+ATGTGTATAAGAGACA."
                : sequence.Length > MaxAdapterLength ? $"An adapter has at most {MaxAdapterLength} bases."
                : IndexSequence.FirstInvalidBase(sequence) is { } bad ? $"'{bad}' in the adapter is not a base: an adapter has only A, C, G and T."
                : null;
            if (message is not null)
            {
                return message;
            }
        }
        return null;
    }

    public static string DuplicateIndexName(string name, int read, string firstAt) =>
        string.Create(CultureInfo.InvariantCulture, $"The index name {name} is used twice in read {read} (first at {firstAt}).");

    public static string DuplicateWell(string well, string firstAt) => $"The well {well} is given twice (first at {firstAt}).";

    /// <summary>A plate well A01–P24 (384-well plate); <paramref name="normalized"/> is its canonical spelling (<c>a1</c> → <c>A01</c>).</summary>
    public static string? Well(string? well, out string? normalized)
    {
        normalized = null;
        var text = well?.Trim() ?? "";
        if (text.Length is >= 2 and <= 3 && char.ToUpperInvariant(text[0]) is >= 'A' and <= 'P'
            && int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var column) && column is >= 1 and <= 24)
        {
            normalized = string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(text[0])}{column:D2}");
            return null;
        }
        return $"'{well}' is not a well of a plate (A01–P24).";
    }

    public static string? UnknownIndex(IndexKitDefinition kit, string? name, int read) =>
        kit.Indices.Any(i => i.Read == read && i.Name == name) ? null
        : $"The well names {(read == 1 ? "i7" : "i5")} index '{name}', which the kit does not define in read {read}.";

    /// <summary>Fixed wells pairing each i7 and each i5 at most once: a unique-dual-index plate.</summary>
    public static bool PairsUniquely(IReadOnlyList<KitWell> wells) =>
        wells.Count > 0 && wells.All(w => w.I5Name is not null)
        && wells.Select(w => w.I7Name).Distinct().Count() == wells.Count
        && wells.Select(w => w.I5Name).Distinct().Count() == wells.Count;

    /// <summary>Rules of the whole kit (strategy vs indices vs wells). Fields: strategy, fixedLayout, indices, wells.</summary>
    internal static IEnumerable<KitError> Consistency(IndexKitDefinition kit)
    {
        var i7 = kit.Indices.Count(i => i.Read == 1);
        var i5 = kit.Indices.Count(i => i.Read == 2);
        if (kit.FixedLayout && kit.Wells.Count == 0)
        {
            yield return new KitError(null, "fixedLayout", "A fixed-layout kit lists its wells.");
        }
        if (!kit.FixedLayout && kit.Wells.Count > 0)
        {
            yield return new KitError(null, "fixedLayout", "Wells are given but the kit is not a fixed layout.");
        }
        switch (kit.Strategy)
        {
            case KitStrategies.None when kit.Indices.Count > 0:
                yield return new KitError(null, "strategy", "A kit without indices (none) lists no indices.");
                break;
            case KitStrategies.Single when i5 > 0:
                yield return new KitError(null, "strategy", "A single-index kit has no Index 2 (read 2) indices.");
                break;
            case KitStrategies.Single or KitStrategies.All when i7 == 0:
                yield return new KitError(null, "indices", "The kit lists no Index 1 (read 1) indices.");
                break;
            case KitStrategies.Dual or KitStrategies.UniqueDual when i7 == 0 || i5 == 0:
                yield return new KitError(null, "indices", "A dual-index kit lists Index 1 (read 1) and Index 2 (read 2) indices.");
                break;
        }
        if (kit.Strategy is KitStrategies.Single && kit.Wells.Any(w => w.I5Name is not null))
        {
            yield return new KitError(null, "wells", "A single-index kit's wells name no i5 index.");
        }
        if (kit.Strategy is KitStrategies.Dual or KitStrategies.UniqueDual && kit.Wells.Any(w => w.I5Name is null))
        {
            yield return new KitError(null, "wells", "Every well of a dual-index kit names an i7 and an i5 index.");
        }
        if (kit.Strategy is KitStrategies.UniqueDual && !PairsUniquely(kit.Wells))
        {
            yield return new KitError(null, "wells", "A unique-dual kit is a fixed layout whose wells use each i7 and each i5 index once.");
        }
    }
}
