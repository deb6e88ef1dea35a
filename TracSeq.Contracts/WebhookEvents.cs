namespace TracSeq.Contracts;

/// <summary>
/// The event types a webhook subscription may ask for, as they appear in <c>type</c> of a delivery. Every service
/// writes its events into its own outbox under these names; Samples fans them out to subscriptions.
/// </summary>
public static class WebhookEventTypes
{
    public const string SampleCreated = "sample.created";
    public const string SampleStatusChanged = "sample.status_changed";
    public const string SubmissionCompleted = "submission.completed";
    public const string RunStatusChanged = "run.status_changed";
    public const string RunResultsImported = "run.results_imported";
    public const string LibraryVerdictChanged = "library.verdict_changed";

    /// <summary>Sent only by <c>POST /api/webhooks/{id}/test</c>, to that one subscription.</summary>
    public const string WebhookTest = "webhook.test";

    /// <summary>What a subscription may list in <c>events</c>.</summary>
    public static readonly IReadOnlyList<string> Subscribable =
        [SampleCreated, SampleStatusChanged, SubmissionCompleted, RunStatusChanged, RunResultsImported, LibraryVerdictChanged, WebhookTest];

    public static bool IsSubscribable(string? type) => type is not null && Subscribable.Contains(type);
}

/// <summary>
/// The <c>data</c> of each event: ids, barcodes, statuses and the project code — nothing more (no names, notes,
/// metadata or people), so a receiver outside the lab learns only what it needs to act.
/// </summary>
public sealed record SampleCreatedData(Guid SampleId, string Barcode, string SampleType, string Status, string? ProjectCode, Guid? SubmissionId);

public sealed record SampleStatusChangedData(Guid SampleId, string Barcode, string From, string To, string? ProjectCode);

/// <summary>
/// A submission that created its samples (<c>accepted</c>) or was refused as a whole (<c>rejected</c>). Its samples
/// are not listed (up to 10,000): <c>GET /api/samples?submissionId=…</c> pages them, and each has its own sample.created.
/// </summary>
public sealed record SubmissionCompletedData(Guid SubmissionId, Guid TemplateId, int TemplateVersion, string Outcome,
    int Rows, int Accepted, int Rejected);

public sealed record RunStatusChangedData(Guid RunId, string RunName, string From, string To);

/// <summary>For the run-results feature: a run's demultiplexing results were imported.</summary>
public sealed record RunResultsImportedData(Guid RunId, string RunName, int Libraries);

/// <summary>For the run-results feature: a library's QC verdict (pass, fail, top-up) changed.</summary>
public sealed record LibraryVerdictChangedData(Guid LibraryId, string Barcode, Guid RunId, string? From, string To, string? ProjectCode);

public sealed record WebhookTestData(Guid SubscriptionId, string Message);
