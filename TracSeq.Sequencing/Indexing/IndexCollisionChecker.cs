using System.Globalization;
using System.Text;

namespace TracSeq.Sequencing.Indexing;

/// <summary>One library's indices as the demultiplexer will see them (Index 2 in the forward orientation).</summary>
public sealed record IndexEntry(string Id, string Index1, string? Index2);

/// <summary>Two entries a demultiplexer could not tell apart; <see cref="Index2Distance"/> is null when either has no Index 2.</summary>
public sealed record IndexCollision(string A, string B, int Index1Distance, int? Index2Distance);

/// <summary>
/// The first <see cref="IndexCollisionChecker.MaxReported"/> colliding pairs (input order), how many pairs collide in all,
/// and the warnings. <see cref="Truncated"/> says the list stops short of the total.
/// </summary>
public sealed record IndexCheckResult(IReadOnlyList<IndexCollision> Collisions, long TotalCollisions, IReadOnlyList<string> Warnings)
{
    public bool Ok => TotalCollisions == 0;

    public bool Truncated => TotalCollisions > Collisions.Count;
}

/// <summary>
/// Finds pairs of libraries that cannot share a lane. bcl2fastq and BCL Convert assign a read to a sample when its index
/// read is within the allowed mismatches m of the sample's index; two indices at Hamming distance ≤ 2·m can both be
/// reached from one read, so such a pair collides. Both indices must be ambiguous for a dual-indexed pair; when either
/// library has no Index 2, Index 1 alone decides. Indices of different lengths are compared over the shorter length,
/// because the longer one is masked down to it on the run (OverrideCycles).
/// </summary>
/// <remarks>
/// Bounded whatever the input: n entries that all collide are n(n−1)/2 pairs (50 million for 10,000), so pairs are
/// counted, never all built. Entries with the same indices are grouped and their pairs counted arithmetically; only the
/// D distinct index pairs are compared with each other (at most D(D−1)/2 comparisons of at most 24 bases, no allocation),
/// and then at most <see cref="MaxReported"/> pairs are listed, which takes at most 2·MaxReported scans of the entries
/// (see <see cref="FirstPairs"/>). Memory is linear in n.
/// </remarks>
public static class IndexCollisionChecker
{
    public const int MaxMismatches = 2;

    /// <summary>How many colliding pairs an answer lists; the rest are counted.</summary>
    public const int MaxReported = 100;

    /// <summary>Counts every colliding pair and lists the first <paramref name="maxReported"/> in input order (A before B). Mismatches must be 0, 1 or 2.</summary>
    public static IndexCheckResult Check(IReadOnlyList<IndexEntry> entries, int barcodeMismatchesIndex1 = 1, int barcodeMismatchesIndex2 = 1,
        int maxReported = MaxReported)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex1, MaxMismatches);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex2, MaxMismatches);
        ArgumentOutOfRangeException.ThrowIfNegative(maxReported);

        var packed = PackedIndices.From(entries);
        var limits = (2 * barcodeMismatchesIndex1, 2 * barcodeMismatchesIndex2);
        var groups = IndexGroups.From(packed);
        var (total, involved) = CountCollisions(packed, groups, limits);
        var collisions = total == 0 ? [] : FirstPairs(entries, packed, groups, involved, limits, maxReported);
        return new IndexCheckResult(collisions, total, IndexWarnings.For(packed, entries));
    }

    /// <summary>
    /// The pairs <paramref name="entry"/> makes with <paramref name="others"/> (linear: one comparison per other entry), for a
    /// change of one library in a set already known to be free of collisions. No warnings.
    /// </summary>
    public static IndexCheckResult CheckOne(IndexEntry entry, IReadOnlyList<IndexEntry> others, int barcodeMismatchesIndex1 = 1,
        int barcodeMismatchesIndex2 = 1, int maxReported = MaxReported)
    {
        ArgumentNullException.ThrowIfNull(others);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex1, MaxMismatches);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex2, MaxMismatches);
        var packed = PackedIndices.From([entry, .. others]);
        var limits = (2 * barcodeMismatchesIndex1, 2 * barcodeMismatchesIndex2);
        var pairs = new List<IndexCollision>();
        long total = 0;
        for (var j = 1; j < packed.Count; j++)
        {
            if (Collide(packed, 0, j, limits) is var (d1, d2) && ++total <= maxReported)
            {
                pairs.Add(new IndexCollision(entry.Id, others[j - 1].Id, d1, d2));
            }
        }
        return new IndexCheckResult(pairs, total, []);
    }

    /// <summary>
    /// Every colliding pair, counted by group: a group of k identical entries is k(k−1)/2 pairs at distance 0, and two
    /// colliding groups of k and l entries are k·l pairs. Also says which groups take part in any collision.
    /// </summary>
    private static (long Total, bool[] Involved) CountCollisions(PackedIndices p, IndexGroups groups, (int Index1, int Index2) limits)
    {
        var involved = new bool[groups.Count];
        long total = 0;
        for (var a = 0; a < groups.Count; a++)
        {
            long size = groups.Size[a];
            if (size > 1)
            {
                total += size * (size - 1) / 2;
                involved[a] = true;
            }
            for (var b = a + 1; b < groups.Count; b++)
            {
                if (Collide(p, groups.First[a], groups.First[b], limits) is not null)
                {
                    total += size * groups.Size[b];
                    involved[a] = involved[b] = true;
                }
            }
        }
        return (total, involved);
    }

    /// <summary>
    /// The first <paramref name="max"/> colliding pairs in input order, over the entries of involved groups only. Each
    /// scan of entry i either lists a pair (i, j) or finds none because every partner of i came earlier, in which case
    /// (partner, i) was already listed: so at most 2·max scans run before the list is full.
    /// </summary>
    private static List<IndexCollision> FirstPairs(IReadOnlyList<IndexEntry> entries, PackedIndices p, IndexGroups groups, bool[] involved,
        (int Index1, int Index2) limits, int max)
    {
        var candidates = new List<int>();
        for (var i = 0; i < p.Count; i++)
        {
            if (involved[groups.Of[i]])
            {
                candidates.Add(i);
            }
        }
        var pairs = new List<IndexCollision>(Math.Min(max, 1024));
        for (var x = 0; x < candidates.Count && pairs.Count < max; x++)
        {
            for (var y = x + 1; y < candidates.Count && pairs.Count < max; y++)
            {
                var (i, j) = (candidates[x], candidates[y]);
                if (Collide(p, i, j, limits) is var (d1, d2))
                {
                    pairs.Add(new IndexCollision(entries[i].Id, entries[j].Id, d1, d2));
                }
            }
        }
        return pairs;
    }

    /// <summary>The distances of entries i and j when they collide, otherwise null.</summary>
    private static (int Index1, int? Index2)? Collide(PackedIndices p, int i, int j, (int Index1, int Index2) limits)
    {
        var bases = p.Bases;
        var d1 = Distance(bases.AsSpan(p.Start1[i], p.Length1[i]), bases.AsSpan(p.Start1[j], p.Length1[j]), limits.Index1);
        if (d1 > limits.Index1)
        {
            return null;
        }
        if (p.Length2[i] == 0 || p.Length2[j] == 0)
        {
            return (d1, null);
        }
        var d2 = Distance(bases.AsSpan(p.Start2[i], p.Length2[i]), bases.AsSpan(p.Start2[j], p.Length2[j]), limits.Index2);
        return d2 > limits.Index2 ? null : (d1, d2);
    }

/// <summary>Hamming distance over the shorter length; stops counting once past <paramref name="limit"/> (only collisions report it).</summary>
    internal static int Distance(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int limit)
    {
        var length = Math.Min(a.Length, b.Length);
        var distance = 0;
        for (var k = 0; k < length; k++)
        {
            if (a[k] != b[k] && ++distance > limit)
            {
                return distance;
            }
        }
        return distance;
    }

    /// <summary>Hamming distance over the shorter length, case-insensitive (for callers outside the hot loop).</summary>
    public static int HammingDistance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var length = Math.Min(a.Length, b.Length);
        var distance = 0;
        for (var k = 0; k < length; k++)
        {
            if (char.ToUpperInvariant(a[k]) != char.ToUpperInvariant(b[k]))
            {
                distance++;
            }
        }
        return distance;
    }
}

/// <summary>
/// Every entry's indices as upper-case ASCII bytes in one array, so the pair loop compares bytes without allocating.
/// Length2 is 0 for a single-indexed entry.
/// </summary>
internal sealed class PackedIndices
{
    private PackedIndices(int count, byte[] bases)
    {
        Count = count;
        Bases = bases;
        Start1 = new int[count];
        Length1 = new int[count];
        Start2 = new int[count];
        Length2 = new int[count];
    }

    public int Count { get; }
    public byte[] Bases { get; }
    public int[] Start1 { get; }
    public int[] Length1 { get; }
    public int[] Start2 { get; }
    public int[] Length2 { get; }

    public static PackedIndices From(IReadOnlyList<IndexEntry> entries)
    {
        var total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"entries[{i}] is null.", nameof(entries));
            total += Validated(entry.Index1, i, "index1").Length + (HasIndex2(entry) ? Validated(entry.Index2, i, "index2").Length : 0);
        }
        var packed = new PackedIndices(entries.Count, new byte[total]);
        var at = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            (packed.Start1[i], packed.Length1[i]) = (at, Copy(entries[i].Index1, packed.Bases, ref at));
            packed.Start2[i] = at;
            packed.Length2[i] = HasIndex2(entries[i]) ? Copy(entries[i].Index2!, packed.Bases, ref at) : 0;
        }
        return packed;
    }

    /// <summary>An empty Index 2 is no Index 2 (single-indexed), as in a sample sheet's empty index2 column.</summary>
    public static bool HasIndex2(IndexEntry entry) => !string.IsNullOrEmpty(entry.Index2);

    private static string Validated(string? sequence, int i, string field) =>
        IndexSequence.IsValid(sequence)
            ? sequence!
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"entries[{i}].{field} must be {IndexSequence.MinLength}–{IndexSequence.MaxLength} bases of A, C, G, T."), "entries");

    private static int Copy(string sequence, byte[] target, ref int at)
    {
        foreach (var c in sequence)
        {
            target[at++] = (byte)char.ToUpperInvariant(c);
        }
        return sequence.Length;
    }
}

/// <summary>Entries with exactly the same indices, grouped: the group of each entry, each group's first entry and size.</summary>
internal sealed class IndexGroups
{
    private IndexGroups(int[] of, List<int> first, List<int> size) => (Of, First, Size) = (of, first, size);

    public int[] Of { get; }
    public List<int> First { get; }
    public List<int> Size { get; }
    public int Count => First.Count;

    public static IndexGroups From(PackedIndices p)
    {
        var of = new int[p.Count];
        var first = new List<int>();
        var size = new List<int>();
        var byIndices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < p.Count; i++)
        {
            // Index 1, a separator that is not a base, Index 2: one string per entry, at most 49 characters.
            var key = string.Concat(Encoding.ASCII.GetString(p.Bases, p.Start1[i], p.Length1[i]), "/",
                Encoding.ASCII.GetString(p.Bases, p.Start2[i], p.Length2[i]));
            if (!byIndices.TryGetValue(key, out var group))
            {
                group = first.Count;
                byIndices.Add(key, group);
                first.Add(i);
                size.Add(0);
            }
            of[i] = group;
            size[group]++;
        }
        return new IndexGroups(of, first, size);
    }
}
