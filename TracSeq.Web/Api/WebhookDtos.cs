namespace TracSeq.Web.Api;

// The webhook API's JSON as the admin page reads it (GET /api/webhooks, …/deliveries).

public sealed record Webhook(
    Guid Id, string Url, IReadOnlyList<string> Events, string? ProjectId, string? Description, bool Enabled, string? DisabledReason,
    DateTime? FailingSince, DateTime? PreviousSecretExpiresAt, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record WebhookWithSecret(Webhook Webhook, string Secret);

public sealed record WebhookAttempt(DateTime AttemptedAt, int? StatusCode, int DurationMs, string? Error);

public sealed record WebhookDelivery(
    long Id, Guid EventId, string EventType, string Status, int Attempts, DateTime CreatedAt, DateTime? NextAttemptAt,
    DateTime? FinishedAt, IReadOnlyList<WebhookAttempt> AttemptLog);
