using TracSeq.Sequencing.Indexing;

namespace TracSeq.UnitTests.Sequencing;

public class IndexCollisionCheckerTests
{
    // Two libraries A and B; the rule: collide when d1 ≤ 2·m1 and (either lacks i5, or d2 ≤ 2·m2).
    [Theory]
    //          index1 A     index2 A      index1 B     index2 B      m1 m2 collide d1 d2
    // m = 0: only identical indices are ambiguous.
    [InlineData("ACGTACGT", null, "ACGTACGT", null, 0, 0, true, 0, null)]
    [InlineData("ACGTACGT", null, "ACGTACGA", null, 0, 0, false, 0, null)]
    // m = 1: distance 2 is ambiguous, 3 is not.
    [InlineData("ACGTACGT", null, "ACGTACCA", null, 1, 1, true, 2, null)]
    [InlineData("ACGTACGT", null, "ACGTAGCA", null, 1, 1, false, 0, null)]
    // m = 2: distance 4 is ambiguous, 5 is not.
    [InlineData("ACGTACGTAC", null, "ACGTTGCAAC", null, 2, 2, true, 4, null)]
    [InlineData("ACGTACGTAC", null, "ACGTTGCATC", null, 2, 2, false, 0, null)]
    // Different lengths are compared over the shorter one: the 6-base index is the 8-base one's prefix.
    [InlineData("ACGTAC", null, "ACGTACGT", null, 1, 1, true, 0, null)]
    [InlineData("ACGTACGTAA", null, "ACGTACGT", null, 0, 0, true, 0, null)]
    [InlineData("TTTTAC", null, "ACGTACGT", null, 1, 1, false, 0, null)]
    // Dual: both reads must be ambiguous.
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGTACGT", "CCTTAAGG", 1, 1, true, 0, 0)]
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGTACGT", "CCTTAAGC", 1, 1, true, 0, 1)]
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGTACGT", "GGAATTCC", 1, 1, false, 0, null)]
    [InlineData("ACGTACGT", "CCTTAAGG", "TGCATGCA", "CCTTAAGG", 1, 1, false, 0, null)]
    // m2 = 0 but m1 = 2: Index 1 at distance 3 is ambiguous, Index 2 at distance 1 is not.
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGAAGGA", "CCTTAAGC", 2, 0, false, 0, null)]
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGAAGGA", "CCTTAAGG", 2, 0, true, 3, 0)]
    // Single vs dual: the single-indexed library has no i5, so Index 1 alone decides.
    [InlineData("ACGTACGT", null, "ACGTACGT", "CCTTAAGG", 1, 1, true, 0, null)]
    [InlineData("ACGTACGT", "CCTTAAGG", "ACGTACGA", null, 1, 1, true, 1, null)]
    [InlineData("ACGTACGT", "CCTTAAGG", "TGCATGCA", null, 1, 1, false, 0, null)]
    // An empty i5 is no i5 (as in a sample sheet's empty column).
    [InlineData("ACGTACGT", "", "ACGTACGT", "CCTTAAGG", 1, 1, true, 0, null)]
    // Case does not matter.
    [InlineData("acgtacgt", "ccttaagg", "ACGTACGT", "CCTTAAGG", 0, 0, true, 0, 0)]
    public void The_collision_rule(string a1, string? a2, string b1, string? b2, int m1, int m2, bool collide, int d1, int? d2)
    {
        var result = IndexCollisionChecker.Check([new("A", a1, a2), new("B", b1, b2)], m1, m2);

        result.Ok.ShouldBe(!collide);
        if (collide)
        {
            result.Collisions.ShouldHaveSingleItem().ShouldBe(new IndexCollision("A", "B", d1, d2));
        }
        else
        {
            result.Collisions.ShouldBeEmpty();
        }
    }

    [Fact]
    public void I7_and_i5_swapped_between_two_libraries_is_not_a_collision()
    {
        // A = (X, Y), B = (Y, X): each read tells them apart, because i7 is only compared with i7 and i5 with i5.
        var result = IndexCollisionChecker.Check([new("A", "ACGTACGT", "TGCATGCA"), new("B", "TGCATGCA", "ACGTACGT")]);

        result.Ok.ShouldBeTrue();
        result.Collisions.ShouldBeEmpty();
    }

    [Fact]
    public void Identical_libraries_collide_at_distance_zero_even_without_mismatches()
    {
        var result = IndexCollisionChecker.Check([new("A", "ACGTACGT", "TGCATGCA"), new("B", "ACGTACGT", "TGCATGCA")], 0, 0);

        result.Collisions.ShouldBe([new IndexCollision("A", "B", 0, 0)]);
    }

    [Fact]
    public void Each_pair_is_reported_once_in_input_order()
    {
        var result = IndexCollisionChecker.Check(
        [
            new("L3", "AAAACCCC", null),
            new("L1", "GGGGTTTT", null),
            new("L2", "AAAACCCC", null),
            new("L0", "AAAACCCA", null),
        ]);

        result.Collisions.ShouldBe(
        [
            new IndexCollision("L3", "L2", 0, null),
            new IndexCollision("L3", "L0", 1, null),
            new IndexCollision("L2", "L0", 1, null),
        ]);
    }

    [Fact]
    public void No_entries_or_one_entry_is_fine()
    {
        IndexCollisionChecker.Check([]).ShouldBe(new IndexCheckResult([], 0, []), new ResultComparer());
        IndexCollisionChecker.Check([new("A", "ACGTACGT", "TGCATGCA")]).Ok.ShouldBeTrue();
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(3, 1)]
    [InlineData(1, -1)]
    [InlineData(1, 3)]
    public void Mismatches_outside_0_to_2_are_refused(int m1, int m2) =>
        Should.Throw<ArgumentOutOfRangeException>(() => IndexCollisionChecker.Check([new("A", "ACGTACGT", null)], m1, m2));

    [Theory]
    [InlineData("ACGTNCGT", null)]
    [InlineData("ACG", null)]
    [InlineData("", null)]
    [InlineData("ACGTACGT", "ACGU")]
    public void Indices_that_are_not_bases_are_refused(string index1, string? index2)
    {
        var error = Should.Throw<ArgumentException>(() => IndexCollisionChecker.Check([new("A", "ACGTACGT", null), new("B", index1, index2)]));
        error.Message.ShouldContain("entries[1]");
    }

    [Fact]
    public void Mixed_single_and_dual_indexing_is_a_warning_naming_the_single_indexed_entries()
    {
        var result = IndexCollisionChecker.Check([new("A", "ACGTACGT", "TGCATGCA"), new("B", "TTGGCCAA", null), new("C", "CAGTCAGT", "GTCAGTCA")]);

        result.Ok.ShouldBeTrue();
        result.Warnings.ShouldContain(
            "Mixed single and dual indexing: 1 of 3 entries have no Index 2 (B); pairs with one of them are compared on Index 1 only.");
    }

    [Fact]
    public void Mixed_lengths_are_a_warning_per_read()
    {
        var result = IndexCollisionChecker.Check([new("A", "ACGTACGTAC", "TGCATGCA"), new("B", "TTGGCCAA", "CATGCATGCA"), new("C", "CAGTCA", "GTCAGTCA")]);

        result.Warnings.ShouldContain("Index 1 lengths differ (6, 8, 10 bases); indices are compared over the shorter length.");
        result.Warnings.ShouldContain("Index 2 lengths differ (8, 10 bases); indices are compared over the shorter length.");
    }

    [Fact]
    public void Uniform_sets_have_no_warnings()
    {
        var result = IndexCollisionChecker.Check([new("A", "ACGTACGT", "TGCATGCA"), new("B", "TGCATGCA", "ACGTACGT"), new("C", "CATGGTAC", "GTACCATG")]);

        result.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void A_cycle_dark_in_one_or_both_colour_channels_is_a_warning()
    {
        // Cycle 1: G and G (no signal at all); cycle 2: C and G (the A/T channel is dark); the others have A or a mix.
        var result = IndexCollisionChecker.Check([new("A", "GCAAAAAA", null), new("B", "GGTTTTTT", null)]);

        result.Warnings.ShouldBe(
        [
            "Index 1 cycle 1: every index has G there, so neither colour channel has signal on two-colour instruments (MiniSeq, NextSeq, NovaSeq).",
            "Index 1 cycle 2: every index has C or G there, so one colour channel (the one that sees A and T) has no signal " +
            "on two-colour instruments (MiniSeq, NextSeq, NovaSeq).",
        ]);
    }

    [Fact]
    public void The_synthetic_96_well_udi_plate_has_no_collisions_and_a_plate_with_one_index_reused_has_exactly_that_pair()
    {
        var kit = KitFiles.Parse("UdiPlate96.tsv");
        var entries = kit.Wells.Select(w => new IndexEntry(w.Well, Sequence(kit, w.I7Name, 1), Sequence(kit, w.I5Name!, 2))).ToList();

        IndexCollisionChecker.Check(entries, 1, 1).Collisions.ShouldBeEmpty();

        entries[95] = entries[95] with { Index1 = entries[3].Index1, Index2 = entries[3].Index2 };
        IndexCollisionChecker.Check(entries, 1, 1).Collisions.ShouldBe([new IndexCollision(entries[3].Id, entries[95].Id, 0, 0)]);
    }

    [Fact]
    public void Ten_thousand_identical_entries_are_counted_not_listed()
    {
        // 49,995,000 pairs: listing them was gigabytes of objects and JSON (H1); the answer is 100 pairs and a count.
        var entries = Enumerable.Range(0, 10_000).Select(i => new IndexEntry($"L{i}", "ACGTACGT", "TGCATGCA")).ToList();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = IndexCollisionChecker.Check(entries);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        result.TotalCollisions.ShouldBe(10_000L * 9_999 / 2);
        result.Collisions.Count.ShouldBe(IndexCollisionChecker.MaxReported);
        result.Truncated.ShouldBeTrue();
        result.Ok.ShouldBeFalse();
        result.Collisions[0].ShouldBe(new IndexCollision("L0", "L1", 0, 0));
        result.Collisions[^1].ShouldBe(new IndexCollision("L0", "L100", 0, 0));
        allocated.ShouldBeLessThan(20L * 1024 * 1024);
    }

    [Fact]
    public void The_count_adds_pairs_within_and_between_groups_of_equal_indices()
    {
        // Groups: 3 × X, 2 × Y (1 mismatch from X, collides at m = 1), 4 × Z (far from both): 3 + 1 + 6 within, 3·2 between.
        var x = Enumerable.Range(0, 3).Select(i => new IndexEntry($"X{i}", "AAAACCCC", null));
        var y = Enumerable.Range(0, 2).Select(i => new IndexEntry($"Y{i}", "AAAACCCA", null));
        var z = Enumerable.Range(0, 4).Select(i => new IndexEntry($"Z{i}", "GGGGTTTT", null));
        var entries = x.Concat(z).Concat(y).ToList();

        var all = IndexCollisionChecker.Check(entries, 1, 1);
        var first = IndexCollisionChecker.Check(entries, 1, 1, maxReported: 4);

        all.TotalCollisions.ShouldBe(3 + 1 + 6 + 6);
        all.Collisions.Count.ShouldBe(16);
        all.Truncated.ShouldBeFalse();
        first.TotalCollisions.ShouldBe(16);
        first.Truncated.ShouldBeTrue();
        first.Collisions.ShouldBe(all.Collisions.Take(4));
        first.Collisions.ShouldBe([new("X0", "X1", 0, null), new("X0", "X2", 0, null), new("X0", "Y0", 1, null), new("X0", "Y1", 1, null)]);
    }

    [Fact]
    public void The_listed_pairs_are_the_first_in_input_order_and_match_a_check_of_every_pair()
    {
        // Random short indices collide often; the count and the first pairs must equal what comparing every pair finds.
        var random = new Random(7);
        string Index(int length) => new([.. Enumerable.Range(0, length).Select(_ => "ACGT"[random.Next(4)])]);
        var entries = Enumerable.Range(0, 300).Select(i => new IndexEntry($"E{i}", Index(4 + random.Next(3)), random.Next(3) == 0 ? null : Index(5))).ToList();

        var result = IndexCollisionChecker.Check(entries, 1, 1, maxReported: 50);

        var everyPair = new List<IndexCollision>();
        for (var i = 0; i < entries.Count; i++)
        {
            for (var j = i + 1; j < entries.Count; j++)
            {
                var d1 = IndexCollisionChecker.HammingDistance(entries[i].Index1, entries[j].Index1);
                int? d2 = entries[i].Index2 is null || entries[j].Index2 is null
                    ? null
                    : IndexCollisionChecker.HammingDistance(entries[i].Index2!, entries[j].Index2!);
                if (d1 <= 2 && d2 is null or <= 2)
                {
                    everyPair.Add(new IndexCollision(entries[i].Id, entries[j].Id, d1, d2));
                }
            }
        }
        everyPair.Count.ShouldBeGreaterThan(50);
        result.TotalCollisions.ShouldBe(everyPair.Count);
        result.Collisions.ShouldBe(everyPair.Take(50));
    }

    private static string Sequence(TracSeq.Sequencing.Kits.IndexKitDefinition kit, string name, int read) =>
        kit.Indices.Single(i => i.Name == name && i.Read == read).Sequence;

    private sealed class ResultComparer : IEqualityComparer<IndexCheckResult>
    {
        public bool Equals(IndexCheckResult? x, IndexCheckResult? y) =>
            x is not null && y is not null && x.Collisions.SequenceEqual(y.Collisions) && x.Warnings.SequenceEqual(y.Warnings);

        public int GetHashCode(IndexCheckResult obj) => obj.Collisions.Count;
    }
}
