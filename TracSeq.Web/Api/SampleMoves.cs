using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Web.Api;

/// <summary>
/// Which status moves a sample's page offers, for its status and the user's role: the lifecycle table shared with
/// Samples (TracSeq.Contracts), which remains the judge and refuses anything else with 409.
/// </summary>
public static class SampleMoves
{
    public static bool NeedsReason(string to) => SampleLifecycle.NeedsReason(to);

    /// <summary>Discarding destroys material, so Samples lets only a lab administrator do it.</summary>
    public static string MinimumRoleFor(string to) => to == SampleStatus.Discarded ? Roles.LabAdministrator : Roles.LabTechnician;

    /// <summary>The moves this user may make from <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> Allowed(string status, string? role) =>
        role is null ? [] : [.. SampleLifecycle.AllowedMoves(status).Where(t => Roles.AtLeast(MinimumRoleFor(t)).Contains(role))];

    /// <summary>Samples can be stored once in the lab: not pending, not discarded.</summary>
    public static bool CanBeStored(string status) => status is not ("pending" or "discarded");

    /// <summary>The words on a move's button.</summary>
    public static string Verb(string to) => to switch
    {
        "received" => "Receive",
        "validated" => "Validate",
        "in_storage" => "Mark in storage",
        "in_sequencing" => "Send to sequencing",
        "completed" => "Complete",
        "archived" => "Archive",
        "rejected" => "Reject",
        "failed" => "Fail",
        "discarded" => "Discard",
        "pending" => "Back to pending",
        _ => to,
    };
}
