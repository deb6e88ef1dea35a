using System.Numerics;

namespace TracSeq.Sequencing.Indexing;

/// <summary>
/// Counts the colliding pairs of a set of entries by group (a group of k identical entries is k(k−1)/2 pairs at distance
/// 0, two colliding groups of k and l entries are k·l pairs) and says which groups take part in any collision, comparing
/// only groups that could collide.
/// </summary>
/// <remarks>
/// Pigeonhole: two indices at distance ≤ d over their shared length differ in at most d of the positions every index of
/// the set has; split those positions into d + 1 parts and the two agree exactly on at least one part. So groups are
/// bucketed by their bases in each part (a key per part), and only groups sharing a key are compared. Positions where
/// every group has the same base tell nothing apart and are left out; the others are dealt to the parts most varied
/// first, so each part splits the groups as finely as it can. A dual-indexed pair collides only when both reads are within
/// their limits, so it agrees on a part of Index 1 and on a part of Index 2: its keys combine one part of each read, or
/// take one read alone when that buckets this input more finely (the cheaper of the three is used). A pair with a
/// single-indexed group is decided by Index 1 alone, so its keys are parts of Index 1. A pair sharing several keys is
/// compared once, under the first. Sorting the keys costs D·log D per part for D groups. When the indices vary in fewer
/// positions than there are parts, or the parts would hold more pairs between them than there are (parts of one or two
/// positions split little), all groups share one bucket instead: the worst case is every pair once, at two 64-bit words
/// a pair, never more.
/// </remarks>
internal static class CollisionCount
{
    public static (long Total, bool[] Involved) Of(PackedIndices p, IndexGroups groups, (int Index1, int Index2) limits)
    {
        var count = new Counter(groups, limits);
        count.WithinGroups();
        var all = Members.Of(p, groups, Enumerable.Range(0, groups.Count).ToArray());
        var duals = Members.Of(p, groups, Array.FindAll(all.Groups, g => p.Length2[groups.First[g]] > 0));
        if (duals.Count < all.Count)
        {
            // Pairs with a single-indexed group: Index 1 decides.
            count.Pairs(Cheapest(Buckets.Of(all, Parts(p, all, 1, limits.Index1), Whole)), withSingleOnly: true);
        }
        var index1 = Parts(p, duals, 1, limits.Index1);
        var index2 = Parts(p, duals, 2, limits.Index2);
        count.Pairs(Cheapest(Buckets.Of(duals, index1, index2), Buckets.Of(duals, index1, Whole), Buckets.Of(duals, Whole, index2)), withSingleOnly: false);
        return (count.Total, count.Involved);
    }

    /// <summary>One part with no positions: every group has the same key, so every pair is compared.</summary>
    private static readonly ulong[] Whole = [0UL];

    /// <summary>
    /// The buckets holding the fewest pairs, counting every part's; comparing every pair once (one bucket) is an option
    /// too, as parts of too few positions can hold more pairs, over all parts, than there are.
    /// </summary>
    private static Buckets Cheapest(params Buckets[] options)
    {
        var best = options.MinBy(b => b.Cost)!;
        var members = best.Members;
        return best.Cost <= (long)members.Count * (members.Count - 1) / 2 ? best : Buckets.Of(members, Whole, Whole);
    }

    /// <summary>
    /// The bit masks of the <paramref name="limit"/> + 1 parts of <paramref name="read"/> over the positions every member
    /// has, leaving out positions where all members agree; <see cref="Whole"/> when too few positions vary to split.
    /// </summary>
    private static ulong[] Parts(PackedIndices p, Members members, int read, int limit)
    {
        if (members.Count < 2)
        {
            return Whole;
        }
        var lengths = read == 1 ? p.Length1 : p.Length2;
        var shared = members.Entries.Min(i => lengths[i]);
        var counts = new int[shared, 4];
        foreach (var i in members.Entries)
        {
            for (var k = 0; k < shared; k++)
            {
                counts[k, p.Base(read, i, k)]++;
            }
        }
        // The sum of squared base counts is smallest where the bases are spread most evenly: the position that splits best.
        var varying = Enumerable.Range(0, shared)
            .Where(k => Enumerable.Range(0, 4).All(b => counts[k, b] < members.Count))
            .OrderBy(k => Enumerable.Range(0, 4).Sum(b => (long)counts[k, b] * counts[k, b])).ThenBy(k => k).ToList();
        if (varying.Count < limit + 1)
        {
            return Whole;
        }
        var masks = new ulong[limit + 1];
        for (var i = 0; i < varying.Count; i++)
        {
            masks[i % masks.Length] |= 3UL << (2 * varying[i]);
        }
        return masks;
    }

    /// <summary>
    /// The groups a pass compares, by member number: each one's first entry, size and packed indices, with the mask of
    /// the low bit of each base it has (so the shared length of two is the AND of their masks); Mask2 is 0 when single.
    /// </summary>
    private sealed class Members
    {
        private const ulong LowBits = 0x5555_5555_5555_5555UL;

        private Members(int[] groups, int count) => (Groups, Entries, Size, Code1, Mask1, Code2, Mask2) =
            (groups, new int[count], new long[count], new ulong[count], new ulong[count], new ulong[count], new ulong[count]);

        public int[] Groups { get; }
        public int[] Entries { get; }
        public long[] Size { get; }
        public ulong[] Code1 { get; }
        public ulong[] Mask1 { get; }
        public ulong[] Code2 { get; }
        public ulong[] Mask2 { get; }
        public int Count => Groups.Length;

        public static Members Of(PackedIndices p, IndexGroups groups, int[] ofGroups)
        {
            var members = new Members(ofGroups, ofGroups.Length);
            for (var x = 0; x < ofGroups.Length; x++)
            {
                var first = groups.First[ofGroups[x]];
                members.Entries[x] = first;
                members.Size[x] = groups.Size[ofGroups[x]];
                (members.Code1[x], members.Mask1[x]) = (p.Code1[first], LowBits & PackedIndices.Bases(p.Length1[first]));
                (members.Code2[x], members.Mask2[x]) = (p.Code2[first], LowBits & PackedIndices.Bases(p.Length2[first]));
            }
            return members;
        }

        /// <summary>Whether members x and y collide (the rule of <see cref="PackedIndices.Collide"/>, on the masks).</summary>
        public bool Collide(int x, int y, (int Index1, int Index2) limits)
        {
            var differ = Code1[x] ^ Code1[y];
            if (BitOperations.PopCount((differ | (differ >> 1)) & Mask1[x] & Mask1[y]) > limits.Index1)
            {
                return false;
            }
            var shared2 = Mask2[x] & Mask2[y];
            if (shared2 == 0)
            {
                return true; // either has no Index 2: Index 1 decides
            }
            differ = Code2[x] ^ Code2[y];
            return BitOperations.PopCount((differ | (differ >> 1)) & shared2) <= limits.Index2;
        }
    }

    /// <summary>
    /// The members bucketed once per part (a part being a mask of Index 1 and a mask of Index 2): each member's key per part,
    /// and per part the members sorted by key, so a bucket is a run of equal keys. <see cref="Cost"/> is the number of pairs
    /// the buckets hold, counted again for each part.
    /// </summary>
    private sealed class Buckets
    {
        private Buckets(Members members, ulong[][] keys, int[][] sorted, long cost) => (Members, Keys, Sorted, Cost) = (members, keys, sorted, cost);

        public Members Members { get; }
        public ulong[][] Keys { get; }
        public int[][] Sorted { get; }
        public long Cost { get; }
        public int Parts => Keys.Length;

        public static Buckets Of(Members members, ulong[] masks1, ulong[] masks2)
        {
            var parts = masks1.Length * masks2.Length;
            var keys = new ulong[parts][];
            var sorted = new int[parts][];
            long cost = 0;
            for (var part = 0; part < parts; part++)
            {
                var (mask1, mask2) = (masks1[part / masks2.Length], masks2[part % masks2.Length]);
                keys[part] = new ulong[members.Count];
                for (var x = 0; x < members.Count; x++)
                {
                    keys[part][x] = Key(members.Code1[x] & mask1, members.Code2[x] & mask2);
                }
                var byKey = (ulong[])keys[part].Clone();
                sorted[part] = Enumerable.Range(0, members.Count).ToArray();
                Array.Sort(byKey, sorted[part]);
                for (var (start, end) = (0, 0); start < members.Count; start = end)
                {
                    for (end = start + 1; end < members.Count && byKey[end] == byKey[start]; end++)
                    {
                    }
                    cost += (long)(end - start) * (end - start - 1) / 2;
                }
            }
            return new Buckets(members, keys, sorted, cost);
        }

        /// <summary>Whether x and y share a key of a part before <paramref name="part"/> (and so were compared there).</summary>
        public bool SharedBefore(int part, int x, int y)
        {
            for (var earlier = 0; earlier < part; earlier++)
            {
                if (Keys[earlier][x] == Keys[earlier][y])
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// A key of both masked words. Equal words give equal keys, which is all the buckets need: two different words
        /// meeting on one key only add a comparison.
        /// </summary>
        private static ulong Key(ulong index1, ulong index2) =>
            (index1 * 0x9E37_79B9_7F4A_7C15UL) ^ BitOperations.RotateLeft(index2 * 0xC2B2_AE3D_27D4_EB4FUL, 29);
    }

    private sealed class Counter(IndexGroups groups, (int Index1, int Index2) limits)
    {
        private readonly List<int> _single = [];
        private readonly List<int> _dual = [];

        public long Total { get; private set; }
        public bool[] Involved { get; } = new bool[groups.Count];

        public void WithinGroups()
        {
            for (var g = 0; g < groups.Count; g++)
            {
                long size = groups.Size[g];
                if (size > 1)
                {
                    Total += size * (size - 1) / 2;
                    Involved[g] = true;
                }
            }
        }

        /// <summary>
        /// Compares the pairs of each bucket once. With <paramref name="withSingleOnly"/>, only pairs with a single-indexed
        /// member (the others are the dual buckets' pairs), found without walking the bucket's dual-dual pairs.
        /// </summary>
        public void Pairs(Buckets buckets, bool withSingleOnly)
        {
            for (var part = 0; part < buckets.Parts; part++)
            {
                var (keys, sorted) = (buckets.Keys[part], buckets.Sorted[part]);
                for (var (start, end) = (0, 0); start < sorted.Length; start = end)
                {
                    for (end = start + 1; end < sorted.Length && keys[sorted[end]] == keys[sorted[start]]; end++)
                    {
                    }
                    if (withSingleOnly)
                    {
                        SingleBucketPairs(buckets, part, sorted.AsSpan(start, end - start));
                    }
                    else
                    {
                        BucketPairs(buckets, part, sorted.AsSpan(start, end - start));
                    }
                }
            }
        }

        /// <summary>Every pair of one bucket: the loop all-pairs inputs spend their time in, so Collide is written out here.</summary>
        private void BucketPairs(Buckets buckets, int part, ReadOnlySpan<int> bucket)
        {
            var members = buckets.Members;
            var (code1, mask1, code2, mask2) = (members.Code1, members.Mask1, members.Code2, members.Mask2);
            for (var s = 0; s < bucket.Length; s++)
            {
                var x = bucket[s];
                var (code1X, mask1X, code2X, mask2X) = (code1[x], mask1[x], code2[x], mask2[x]);
                for (var t = s + 1; t < bucket.Length; t++)
                {
                    var y = bucket[t];
                    var differ = code1X ^ code1[y];
                    if (BitOperations.PopCount((differ | (differ >> 1)) & mask1X & mask1[y]) > limits.Index1)
                    {
                        continue;
                    }
                    differ = code2X ^ code2[y];
                    var shared2 = mask2X & mask2[y];
                    if ((shared2 == 0 || BitOperations.PopCount((differ | (differ >> 1)) & shared2) <= limits.Index2)
                        && (part == 0 || !buckets.SharedBefore(part, x, y)))
                    {
                        Count(members, x, y);
                    }
                }
            }
        }

        private void SingleBucketPairs(Buckets buckets, int part, ReadOnlySpan<int> bucket)
        {
            _single.Clear();
            _dual.Clear();
            foreach (var x in bucket)
            {
                (buckets.Members.Mask2[x] == 0 ? _single : _dual).Add(x);
            }
            for (var s = 0; s < _single.Count; s++)
            {
                for (var t = s + 1; t < _single.Count; t++)
                {
                    Compare(buckets, part, _single[s], _single[t]);
                }
                foreach (var d in _dual)
                {
                    Compare(buckets, part, _single[s], d);
                }
            }
        }

        private void Compare(Buckets buckets, int part, int x, int y)
        {
            if (buckets.Members.Collide(x, y, limits) && !buckets.SharedBefore(part, x, y))
            {
                Count(buckets.Members, x, y);
            }
        }

        private void Count(Members members, int x, int y)
        {
            Total += members.Size[x] * members.Size[y];
            Involved[members.Groups[x]] = Involved[members.Groups[y]] = true;
        }
    }
}
