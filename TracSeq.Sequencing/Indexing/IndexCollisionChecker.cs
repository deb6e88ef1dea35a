using System.Globalization;

namespace TracSeq.Sequencing.Indexing;

/// <summary>One library's indices as the demultiplexer will see them (Index 2 in the forward orientation).</summary>
public sealed record IndexEntry(string Id, string Index1, string? Index2);

/// <summary>Two entries a demultiplexer could not tell apart; <see cref="Index2Distance"/> is null when either has no Index 2.</summary>
public sealed record IndexCollision(string A, string B, int Index1Distance, int? Index2Distance);

public sealed record IndexCheckResult(IReadOnlyList<IndexCollision> Collisions, IReadOnlyList<string> Warnings)
{
    public bool Ok => Collisions.Count == 0;
}

/// <summary>
/// Finds pairs of libraries that cannot share a lane. bcl2fastq and BCL Convert assign a read to a sample when its index
/// read is within the allowed mismatches m of the sample's index; two indices at Hamming distance ≤ 2·m can both be
/// reached from one read, so such a pair collides. Both indices must be ambiguous for a dual-indexed pair; when either
/// library has no Index 2, Index 1 alone decides. Indices of different lengths are compared over the shorter length,
/// because the longer one is masked down to it on the run (OverrideCycles).
/// </summary>
public static class IndexCollisionChecker
{
    public const int MaxMismatches = 2;

    /// <summary>Checks every pair once, in input order (A before B). Mismatches must be 0, 1 or 2.</summary>
    public static IndexCheckResult Check(IReadOnlyList<IndexEntry> entries, int barcodeMismatchesIndex1 = 1, int barcodeMismatchesIndex2 = 1)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex1, MaxMismatches);
        ArgumentOutOfRangeException.ThrowIfNegative(barcodeMismatchesIndex2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(barcodeMismatchesIndex2, MaxMismatches);

        var packed = PackedIndices.From(entries);
        var collisions = FindCollisions(entries, packed, 2 * barcodeMismatchesIndex1, 2 * barcodeMismatchesIndex2);
        return new IndexCheckResult(collisions, IndexWarnings.For(packed, entries));
    }

    private static List<IndexCollision> FindCollisions(IReadOnlyList<IndexEntry> entries, PackedIndices p, int limit1, int limit2)
    {
        var collisions = new List<IndexCollision>();
        var bases = p.Bases;
        for (var i = 0; i < p.Count; i++)
        {
            var a1 = bases.AsSpan(p.Start1[i], p.Length1[i]);
            var a2 = bases.AsSpan(p.Start2[i], p.Length2[i]);
            for (var j = i + 1; j < p.Count; j++)
            {
                var d1 = Distance(a1, bases.AsSpan(p.Start1[j], p.Length1[j]), limit1);
                if (d1 > limit1)
                {
                    continue;
                }
                int? d2 = null;
                if (a2.Length > 0 && p.Length2[j] > 0)
                {
                    var d = Distance(a2, bases.AsSpan(p.Start2[j], p.Length2[j]), limit2);
                    if (d > limit2)
                    {
                        continue;
                    }
                    d2 = d;
                }
                collisions.Add(new IndexCollision(entries[i].Id, entries[j].Id, d1, d2));
            }
        }
        return collisions;
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
