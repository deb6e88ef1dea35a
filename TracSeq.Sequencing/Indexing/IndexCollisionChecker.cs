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
/// counted, never all built. Entries with the same indices are grouped and their pairs counted arithmetically; the D
/// distinct index pairs are compared only where they could collide (<see cref="CollisionCount"/>: pigeonhole buckets, so
/// varied indices compare a small fraction of their pairs, and at worst, for indices that differ in too few places to
/// bucket, D(D−1)/2 comparisons of two 64-bit words each), and then at most <see cref="MaxReported"/> pairs are listed, which
/// takes at most 2·MaxReported scans of the entries (see <see cref="FirstPairs"/>). Memory is linear in n.
/// </remarks>
public static class IndexCollisionChecker
{
    public const int MaxMismatches = 2;

    /// <summary>How many colliding pairs an answer lists; the rest are counted.</summary>
    public const int MaxReported = 100;

    /// <summary>
    /// Counts every colliding pair and lists the first <paramref name="maxReported"/> in input order (A before B). Mismatches must be 0, 1 or 2.
    /// </summary>
    public static IndexCheckResult Check(IReadOnlyList<IndexEntry> entries, int barcodeMismatchesIndex1 = 1, int barcodeMismatchesIndex2 = 1,
        int maxReported = MaxReported)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var limits = Limits(barcodeMismatchesIndex1, barcodeMismatchesIndex2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxReported);

        var packed = PackedIndices.From(entries);
        var groups = IndexGroups.From(packed);
        var (total, involved) = CollisionCount.Of(packed, groups, limits);
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
        var limits = Limits(barcodeMismatchesIndex1, barcodeMismatchesIndex2);
        var packed = PackedIndices.From([entry, .. others]);
        var pairs = new List<IndexCollision>();
        long total = 0;
        for (var j = 1; j < packed.Count; j++)
        {
            if (packed.Collide(0, j, limits) is var (d1, d2) && ++total <= maxReported)
            {
                pairs.Add(new IndexCollision(entry.Id, others[j - 1].Id, d1, d2));
            }
        }
        return new IndexCheckResult(pairs, total, []);
    }

    /// <summary>The largest distances that collide: twice the mismatches each read allows.</summary>
    private static (int Index1, int Index2) Limits(int barcodeMismatchesIndex1, int barcodeMismatchesIndex2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex1, MaxMismatches);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex2, MaxMismatches);
        return (2 * barcodeMismatchesIndex1, 2 * barcodeMismatchesIndex2);
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
                if (p.Collide(i, j, limits) is var (d1, d2))
                {
                    pairs.Add(new IndexCollision(entries[i].Id, entries[j].Id, d1, d2));
                }
            }
        }
        return pairs;
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
        var byIndices = new Dictionary<(ulong, int, ulong, int), int>();
        for (var i = 0; i < p.Count; i++)
        {
            var key = (p.Code1[i], p.Length1[i], p.Code2[i], p.Length2[i]);
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
