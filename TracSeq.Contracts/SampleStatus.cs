namespace TracSeq.Contracts;

/// <summary>The lifecycle states, as they appear on the wire and in the database.</summary>
public static class SampleStatus
{
    public const string Pending = "pending";
    public const string Received = "received";
    public const string Validated = "validated";
    public const string InStorage = "in_storage";
    public const string InSequencing = "in_sequencing";
    public const string Completed = "completed";
    public const string Archived = "archived";
    public const string Rejected = "rejected";
    public const string Failed = "failed";
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All =
        [Pending, Received, Validated, InStorage, InSequencing, Completed, Archived, Rejected, Failed, Discarded];

    public static bool IsKnown(string? status) => status is not null && All.Contains(status);
}
