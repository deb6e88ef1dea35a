using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Web.Api;

/// <summary>
/// Which status moves a sample's page offers, for its status and the user's role. Samples' state machine is the judge
/// (it refuses anything else with 409); this copy only decides which buttons to show, and a unit test checks that it
/// matches the service's table move for move.
/// </summary>
public static class SampleMoves
{
    public static readonly IReadOnlyDictionary<string, string[]> Moves = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["pending"] = ["received", "rejected", "discarded"],
        ["received"] = ["validated", "rejected", "discarded"],
        ["validated"] = ["in_storage", "in_sequencing", "rejected", "failed", "discarded"],
        ["in_storage"] = ["in_sequencing", "failed", "discarded"],
        ["in_sequencing"] = ["completed", "failed", "discarded"],
        ["completed"] = ["archived", "discarded"],
        ["archived"] = [],
        ["rejected"] = ["pending", "discarded"],
        ["failed"] = ["pending", "discarded"],
        ["discarded"] = [],
    };

    public static bool NeedsReason(string to) => to is "rejected" or "failed" or "discarded";

    public static string MinimumRoleFor(string to) => to == "discarded" ? Roles.LabAdministrator : Roles.LabTechnician;

    /// <summary>The moves this user may make from <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> Allowed(string status, string? role) =>
        role is null || !Moves.TryGetValue(status, out var to)
            ? []
            : [.. to.Where(t => Roles.AtLeast(MinimumRoleFor(t)).Contains(role))];

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
