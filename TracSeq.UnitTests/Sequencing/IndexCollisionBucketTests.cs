using TracSeq.Sequencing.Indexing;

namespace TracSeq.UnitTests.Sequencing;

/// <summary>
/// The checker compares only pairs that share a pigeonhole bucket (issue 24: 10,000 distinct entries were 50 million
/// comparisons). These tests hold it to the definition: every pair of entries compared in full, on random sets built to
/// hit the buckets' edges.
/// </summary>
public class IndexCollisionBucketTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_count_and_the_listed_pairs_equal_a_comparison_of_every_pair(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 6; round++)
        {
            var entries = RandomSet(random, random.Next(0, 260));
            var (m1, m2) = (random.Next(3), random.Next(3));
            var max = random.Next(2) == 0 ? IndexCollisionChecker.MaxReported : int.MaxValue;

            var result = IndexCollisionChecker.Check(entries, m1, m2, max);

            var expected = EveryPair(entries, m1, m2);
            result.TotalCollisions.ShouldBe(expected.Count, $"seed {seed}, round {round}, m {m1}/{m2}, {entries.Count} entries");
            result.Collisions.ShouldBe(expected.Take(max).ToList(), $"seed {seed}, round {round}");
            result.Truncated.ShouldBe(expected.Count > max);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 0)]
    public void Entries_that_differ_only_in_the_last_bases_of_one_read_are_counted_as_every_pair_counts_them(int m1, int m2)
    {
        // The benchmark's worst shape, smaller: one shared 24-base i7, i5s that differ only in their last 6 bases, and a
        // few single-indexed and shorter entries among them; the differing positions fall in few parts.
        var random = new Random(11);
        var entries = Enumerable.Range(0, 1_500).Select(i => new IndexEntry($"E{i}", "ACGTACGTACGTACGTACGTACGT",
            i % 97 == 0 ? null : "TGCATGCATGCATGCATG" + new string([.. Enumerable.Range(0, 6).Select(_ => "ACGT"[random.Next(4)])]))).ToList();
        entries[5] = entries[5] with { Index1 = "ACGTACGTAC" };
        entries[700] = entries[700] with { Index2 = "TGCATGCATGCATGCAT" };

        var result = IndexCollisionChecker.Check(entries, m1, m2);

        var expected = EveryPair(entries, m1, m2);
        result.TotalCollisions.ShouldBe(expected.Count);
        result.Collisions.ShouldBe(expected.Take(IndexCollisionChecker.MaxReported).ToList());
    }

    /// <summary>
    /// Sets with what the buckets must survive: a few families of indices (a random template, entries a few mutations
    /// away from it), constant prefixes, lengths 4–24 mixed in one set, exact duplicates, lower case, single-indexed
    /// entries with a null or an empty Index 2.
    /// </summary>
    private static List<IndexEntry> RandomSet(Random random, int count)
    {
        string Bases(int length) => new([.. Enumerable.Range(0, length).Select(_ => "ACGT"[random.Next(4)])]);
        string Mutate(string template, int changes)
        {
            var bases = template.ToCharArray();
            for (var c = 0; c < changes; c++)
            {
                bases[random.Next(bases.Length)] = "ACGT"[random.Next(4)];
            }
            return new string(bases);
        }
        string Length(string sequence) =>
            random.Next(4) == 0 ? sequence[..Math.Max(IndexSequence.MinLength, sequence.Length - random.Next(8))] : sequence;

        var families = Enumerable.Range(0, 1 + random.Next(6)).Select(_ =>
        {
            var prefix = random.Next(2) == 0 ? "" : Bases(random.Next(12));
            var length = IndexSequence.MinLength + random.Next(IndexSequence.MaxLength - IndexSequence.MinLength + 1);
            return (I7: (prefix + Bases(24))[..length], I5: (prefix + Bases(24))[..(IndexSequence.MinLength + random.Next(21))]);
        }).ToList();
        var singleShare = random.Next(4) switch { 0 => 0.0, 1 => 1.0, _ => random.NextDouble() * 0.3 };
        var spread = 1 + random.Next(6);
        var entries = new List<IndexEntry>(count);
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && random.Next(10) == 0)
            {
                entries.Add(entries[random.Next(i)] with { Id = $"E{i}" });
                continue;
            }
            var family = families[random.Next(families.Count)];
            var index1 = Length(Mutate(family.I7, random.Next(spread)));
            var index2 = random.NextDouble() < singleShare ? (random.Next(2) == 0 ? null : "") : Length(Mutate(family.I5, random.Next(spread)));
            entries.Add(new IndexEntry($"E{i}", random.Next(8) == 0 ? index1.ToLowerInvariant() : index1, index2));
        }
        return entries;
    }

    /// <summary>The rule itself, pair by pair in input order: d1 ≤ 2·m1 and (either has no Index 2, or d2 ≤ 2·m2).</summary>
    private static List<IndexCollision> EveryPair(List<IndexEntry> entries, int m1, int m2)
    {
        var pairs = new List<IndexCollision>();
        for (var i = 0; i < entries.Count; i++)
        {
            for (var j = i + 1; j < entries.Count; j++)
            {
                var (a, b) = (entries[i], entries[j]);
                var d1 = IndexCollisionChecker.HammingDistance(a.Index1, b.Index1);
                int? d2 = string.IsNullOrEmpty(a.Index2) || string.IsNullOrEmpty(b.Index2) ? null : IndexCollisionChecker.HammingDistance(a.Index2, b.Index2);
                if (d1 <= 2 * m1 && (d2 is null || d2 <= 2 * m2))
                {
                    pairs.Add(new IndexCollision(a.Id, b.Id, d1, d2));
                }
            }
        }
        return pairs;
    }
}
