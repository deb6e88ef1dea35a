using TracSeq.Contracts;
using TracSeq.Sequencing.Runs;

namespace TracSeq.UnitTests.Sequencing;

public class LanePlanTests
{
    private static readonly ReadCycles DualIndex = new(151, 151, 8, 8);
    private static readonly ReadCycles SingleIndex = new(151, 151, 8, 0);

    private static LaneLibrary Library(string barcode, string index1, string? index2, Guid? sampleId = null) =>
        new(Guid.NewGuid(), barcode, sampleId ?? Guid.NewGuid(), index1, index2);

    [Fact]
    public void A_run_without_an_index_2_read_refuses_two_libraries_with_the_same_i7()
    {
        // M7: the i5 tells them apart only when the run reads it.
        IReadOnlyList<LaneLibrary> libraries = [Library("A", "ACGTACGT", "CCCCAAAA"), Library("B", "ACGTACGT", "GGGGTTTT")];

        LanePlan.Collisions([(1, libraries)], DualIndex, 1, 1).ShouldBeEmpty();
        var lane = LanePlan.Collisions([(1, libraries)], SingleIndex, 1, 1).ShouldHaveSingleItem();

        lane.Lane.ShouldBe(1);
        lane.TotalCollisions.ShouldBe(1);
        lane.Collisions.ShouldHaveSingleItem().ShouldBe(new TracSeq.Sequencing.Indexing.IndexCollision("A", "B", 0, null));
    }

    [Fact]
    public void A_lane_over_the_pool_limit_or_a_run_over_the_place_limit_is_too_large()
    {
        IReadOnlyList<LaneLibrary> Lane(int count) => [.. Enumerable.Range(0, count).Select(i => Library($"L{i}", "ACGTACGT", null))];

        LanePlan.TooLarge([(1, Lane(LanePlan.MaxLaneLibraries))]).ShouldBeNull();
        LanePlan.TooLarge([(3, Lane(LanePlan.MaxLaneLibraries + 1))])!.Value.Message.ShouldContain("Lane 3 would hold 5001 libraries");
        LanePlan.TooLarge([(1, Lane(5_000)), (2, Lane(5_000)), (3, Lane(1))])!.Value.Message.ShouldContain("10001 libraries in all");
    }

    [Fact]
    public void A_run_covering_more_samples_than_samples_moves_at_once_is_too_large()
    {
        // L7: Samples moves at most this many in one call; such a run could never start (a permanent 503).
        IReadOnlyList<LaneLibrary> Lane(int from, int count) => [.. Enumerable.Range(from, count).Select(i => Library($"L{i}", "ACGTACGT", null))];
        var max = SequencingLimits.MaxRunSamples;

        LanePlan.TooLarge([(1, Lane(0, max / 2)), (2, Lane(max / 2, max / 2))]).ShouldBeNull();
        LanePlan.TooLarge([(1, Lane(0, max / 2)), (2, Lane(max / 2, max / 2)), (3, Lane(max, 1))])!.Value.Message
            .ShouldContain($"{max + 1} libraries in all");
        LanePlan.MaxRunLibraryPlaces.ShouldBe(max);
    }
}
