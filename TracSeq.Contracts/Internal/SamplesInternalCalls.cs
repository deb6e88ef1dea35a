namespace TracSeq.Contracts.Internal;

/// <summary>
/// The routes and keys of Samples' <c>/internal</c> calls (not routed by the gateway), written once for Samples and
/// its callers (Templates commits submissions, Sequencing records library events and moves samples for runs).
/// </summary>
public static class SamplesInternalCalls
{
    public const string BatchPath = "/internal/samples/batch";
    public const string EventsRoute = "/internal/samples/{id:guid}/events";
    public const string RunStatusPath = "/internal/samples/run-status";
    public const string LibraryCreated = "library_created";

    /// <summary>A user's project memberships, asked by the other services (the user's id follows).</summary>
    public const string ProjectAccessPath = "/internal/projects/access/";

    public static string EventsPath(Guid sampleId) => $"/internal/samples/{sampleId}/events";

    /// <summary>A submission is committed once, whoever retries it: its id is the batch's Idempotency-Key.</summary>
    public static string BatchKey(Guid submissionId) => submissionId.ToString();

    /// <summary>"This run's move to this status": the run move's Idempotency-Key.</summary>
    public static string RunMoveKey(Guid runId, string to) => $"run:{runId}:{to}";
}

/// <summary>One of a user's memberships, as <c>GET /internal/projects/access/{userId}</c> answers it.</summary>
public sealed record ProjectAccessEntry(Guid ProjectId, string Code, string Role);

/// <summary>
/// <c>POST /internal/samples/batch</c>: a submission's samples, committed together; <c>samples[i]</c> is the sheet's
/// row i + 2 (row 1 is the header). Nullable so that Samples can name a missing field; the sender fills every one.
/// <typeparamref name="TSample"/> is a sample as each side writes it: Samples reads its public create request.
/// </summary>
public sealed record SampleBatchRequest<TSample>(Guid? SubmissionId, Guid? TemplateId, int? TemplateVersion, IReadOnlyList<TSample>? Samples);

public sealed record BatchCreatedSample(Guid Id, string Barcode);

/// <summary>The samples a batch created, in the order they were sent.</summary>
public sealed record SampleBatchResult(
    Guid SubmissionId, Guid TemplateId, int TemplateVersion, int Created, IReadOnlyList<BatchCreatedSample> Samples);

/// <summary><c>POST /internal/samples/{id}/events</c>: a library was made from the sample (written by Sequencing).</summary>
public sealed record LibraryCreatedEventRequest(string? Type, Guid? LibraryId, string? LibraryBarcode);

public sealed record SampleEventRecorded(Guid SampleId, string Type, Guid LibraryId);

/// <summary><c>POST /internal/samples/run-status</c>: a run moved, so every listed sample goes to <c>to</c> (or already is there).</summary>
public sealed record RunStatusRequest(Guid? RunId, string? RunName, string? To, string? Reason, IReadOnlyList<Guid>? SampleIds);

public sealed record BulkStatusItem(Guid Id, string Barcode, string Status, int Version);

public sealed record RunStatusResult(Guid RunId, string To, int Moved, int AlreadyThere, IReadOnlyList<BulkStatusItem> Samples);
