using static TracSeq.Contracts.SampleStatus;

namespace TracSeq.Contracts;

/// <summary>
/// The moves a sample's status may make, in one table. Samples enforces it (and says who may make each move); other
/// services and clients read it to offer only the moves that will succeed. Anything not listed is refused.
/// </summary>
public static class SampleLifecycle
{
    private static readonly Dictionary<string, string[]> Moves = new(StringComparer.Ordinal)
    {
        [Pending] = [Received, Rejected, Discarded],
        [Received] = [Validated, Rejected, Discarded],
        [Validated] = [InStorage, InSequencing, Rejected, Failed, Discarded],
        [InStorage] = [InSequencing, Failed, Discarded],
        [InSequencing] = [Completed, Failed, Discarded],
        [Completed] = [Archived, Discarded],
        [Archived] = [],
        [Rejected] = [Pending, Discarded],   // resubmitted
        [Failed] = [Pending, Discarded],     // resubmitted
        [Discarded] = [],
    };

    /// <summary>Every allowed (from, to) pair.</summary>
    public static IEnumerable<(string From, string To)> AllMoves =>
        Moves.SelectMany(m => m.Value.Select(to => (m.Key, to)));

    /// <summary>Where a sample in <paramref name="from"/> may go next; none for an unknown status.</summary>
    public static IReadOnlyList<string> AllowedMoves(string from) => Moves.TryGetValue(from, out var to) ? to : [];

    public static bool CanMove(string from, string to) => AllowedMoves(from).Contains(to);

    /// <summary>Leaving the normal path must be explained: the reason ends up in the audit trail.</summary>
    public static bool NeedsReason(string to) => to is Rejected or Failed or Discarded;
}
