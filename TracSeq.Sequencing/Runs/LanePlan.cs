using System.Globalization;
using TracSeq.Contracts;
using TracSeq.Sequencing.Indexing;

namespace TracSeq.Sequencing.Runs;

/// <summary>A library as a lane sees it: its barcode names it in collisions and the sheet.</summary>
public sealed record LaneLibrary(Guid Id, string Barcode, Guid SampleId, string Index1, string? Index2);

/// <summary>A lane whose libraries would be mixed up: the first pairs, how many in all, and whether the list is cut.</summary>
public sealed record LaneCollisions(int Lane, IReadOnlyList<IndexCollision> Collisions, long TotalCollisions, bool Truncated);

/// <summary>
/// The checks of a planned run that only need its lanes' libraries: how much a lane and a run may hold, and whether
/// the libraries of each lane can be told apart on the index reads the run actually has.
/// </summary>
public static class LanePlan
{
    /// <summary>A lane is the union of its pools: at most as many libraries as one pool may hold.</summary>
    public const int MaxLaneLibraries = 5_000;

    /// <summary>
    /// Library places over all lanes (a library on two lanes counts twice). Every library has one sample, so a run never
    /// covers more samples than Samples moves for a run in one all-or-nothing call (a larger run could never start). With
    /// <see cref="MaxLaneLibraries"/> this bounds the collision check of a run to two full lanes' worth of comparisons
    /// (2 × 12.5 million), whatever the lanes hold.
    /// </summary>
    public const int MaxRunLibraryPlaces = SequencingLimits.MaxRunSamples;

    /// <summary>What a lane is checked on: the run's index reads. A run without an Index 2 read tells libraries apart by Index 1 alone.</summary>
    public static IndexEntry AsRead(LaneLibrary library, ReadCycles reads) =>
        new(library.Barcode, library.Index1, reads.Index2Cycles > 0 ? library.Index2 : null);

    /// <summary>(field, message) for a run holding more libraries or samples than the limits allow, or null.</summary>
    public static (string Field, string Message)? TooLarge(IReadOnlyList<(int Lane, IReadOnlyList<LaneLibrary> Libraries)> lanes)
    {
        if (lanes.FirstOrDefault(l => l.Libraries.Count > MaxLaneLibraries) is { Libraries: not null } big)
        {
            return ("lanes", string.Create(CultureInfo.InvariantCulture,
                $"Lane {big.Lane} would hold {big.Libraries.Count} libraries; a lane holds at most {MaxLaneLibraries}."));
        }
        var places = lanes.Sum(l => l.Libraries.Count);
        return places > MaxRunLibraryPlaces
            ? ("lanes", string.Create(CultureInfo.InvariantCulture,
                $"The lanes would hold {places} libraries in all; a run holds at most {MaxRunLibraryPlaces} (a library on two lanes counts twice), " +
                $"the most samples Samples moves for one run."))
            : null;
    }

    /// <summary>Each lane whose libraries collide on what the run reads, in lane order.</summary>
    public static IReadOnlyList<LaneCollisions> Collisions(
        IReadOnlyList<(int Lane, IReadOnlyList<LaneLibrary> Libraries)> lanes, ReadCycles reads, int m1, int m2)
    {
        var collisions = new List<LaneCollisions>();
        foreach (var (lane, libraries) in lanes.OrderBy(l => l.Lane))
        {
            var check = IndexCollisionChecker.Check([.. libraries.Select(l => AsRead(l, reads))], m1, m2);
            if (!check.Ok)
            {
                collisions.Add(new LaneCollisions(lane, check.Collisions, check.TotalCollisions, check.Truncated));
            }
        }
        return collisions;
    }
}
