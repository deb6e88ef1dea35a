using TracSeq.ServiceDefaults.Security;
using static TracSeq.Contracts.SampleStatus;

namespace TracSeq.Samples.Lifecycle;

/// <summary>
/// The lab's rules for a sample's status, in one place. Every path that changes a status asks this class: a single
/// change, a bulk change and placing a sample into storage. The moves themselves are the shared table of
/// <see cref="SampleLifecycle"/>; this class adds who may make them and what placing a sample does.
/// </summary>
public static class SampleStatusMachine
{
    /// <summary>Every status change the rules allow, for publishing metric series before they first happen.</summary>
    public static IEnumerable<(string From, string To)> AllMoves => SampleLifecycle.AllMoves;

    public static IReadOnlyList<string> AllowedMoves(string from) => SampleLifecycle.AllowedMoves(from);

    public static bool CanMove(string from, string to) => SampleLifecycle.CanMove(from, to);

    /// <summary>Leaving the normal path must be explained: the reason ends up in the audit trail.</summary>
    public static bool NeedsReason(string to) => SampleLifecycle.NeedsReason(to);

    /// <summary>Discarding destroys material, so only a lab administrator may do it; other moves are for technicians.</summary>
    public static string MinimumRoleFor(string to) => to == Discarded ? Roles.LabAdministrator : Roles.LabTechnician;

    public static bool MayMove(string callerRole, string to) => Roles.AtLeast(MinimumRoleFor(to)).Contains(callerRole);

    /// <summary>Statuses in which a sample can be put into (or moved within) storage: it must be in the lab.</summary>
    public static readonly IReadOnlyList<string> PlaceableStatuses =
        [Received, Validated, InStorage, InSequencing, Completed, Archived, Rejected, Failed];

    /// <summary>
    /// The status a sample has once placed: a validated sample becomes <c>in_storage</c> (through the same rule as any
    /// other move); others keep theirs. Null when the sample cannot be placed (not yet received, or discarded).
    /// </summary>
    public static string? StatusAfterPlacement(string status)
    {
        if (!PlaceableStatuses.Contains(status))
        {
            return null;
        }
        return status == Validated && CanMove(Validated, InStorage) ? InStorage : status;
    }
}
