namespace TracSeq.UnitTests.Contracts;

/// <summary>
/// The lab's sample lifecycle, one line per status: where it may go. Written out here, not derived from the code under
/// test, and read by both tiers: the unit tests check the shared rules against it, the end-to-end tests the service.
/// </summary>
public static class LifecycleContract
{
    public static readonly IReadOnlyDictionary<string, string[]> Moves = new Dictionary<string, string[]>
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
}
