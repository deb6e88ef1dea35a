using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Outbox;

namespace TracSeq.Samples.Webhooks;

/// <summary>A row of <c>webhook_subscriptions</c>, without its secrets (properties: Dapper maps the text[] by name).</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; init; }
    public string Url { get; init; } = "";
    public string[] Events { get; init; } = [];
    public string? ProjectCode { get; init; }
    public string? Description { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public DateTime? FailingSince { get; init; }
    public DateTime? PreviousSecretExpiresAt { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record WebhookAttempt(DateTime AttemptedAt, int? StatusCode, int DurationMs, string? Error);

public sealed record WebhookDelivery(
    long Id, Guid EventId, string EventType, string Status, int Attempts, DateTime CreatedAt, DateTime? NextAttemptAt,
    DateTime? FinishedAt, IReadOnlyList<WebhookAttempt> AttemptLog);

/// <summary>The webhook tables' SQL: subscriptions, the events fanned out into deliveries, and the delivery log.</summary>
public static class WebhookStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns = """
        id, url, events, project_code AS projectcode, description, enabled, disabled_reason AS disabledreason,
        failing_since AS failingsince, previous_secret_expires_at AS previoussecretexpiresat, created_by AS createdby,
        created_at AS createdat, updated_at AS updatedat
        """;

    /// <summary>
    /// Keeps each event once (a relay may send it again) and gives every enabled subscription that asked for its type —
    /// and, when scoped to a project, for that project — a pending delivery. Linear in events × subscriptions.
    /// </summary>
    public static async Task<int> FanOutAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<OutboxEvent> events)
    {
        if (events.Count == 0)
        {
            return 0;
        }
        return await connection.ExecuteAsync(
            """
            WITH incoming AS (
                SELECT * FROM unnest(@ids, @types, @occurred, @projects, @bodies) AS i(id, type, occurred_at, project_code, body)
            ), kept AS (
                INSERT INTO webhook_events (id, type, occurred_at, project_code, body)
                SELECT id, type, occurred_at, project_code, body FROM incoming
                ON CONFLICT (id) DO NOTHING
                RETURNING id, type, occurred_at, project_code
            )
            INSERT INTO webhook_deliveries (subscription_id, event_id)
            SELECT s.id, k.id FROM kept k
            JOIN webhook_subscriptions s ON s.enabled AND k.type = ANY(s.events)
                 AND (s.project_code IS NULL OR s.project_code = k.project_code)
            ORDER BY k.occurred_at, k.id, s.id
            """,
            new
            {
                ids = events.Select(e => e.Id).ToArray(),
                types = events.Select(e => e.Type).ToArray(),
                occurred = events.Select(e => e.OccurredAt).ToArray(),
                projects = events.Select(e => e.ProjectCode).ToArray(),
                bodies = events.Select(Body).ToArray(),
            }, tx);
    }

    /// <summary>The body every attempt sends, byte for byte: <c>{"type","timestamp","data"}</c>.</summary>
    public static string Body(OutboxEvent e) =>
        JsonSerializer.Serialize(new { type = e.Type, timestamp = e.OccurredAt.UtcDateTime, data = e.Data }, Json);

    public static Task<long> CountAsync(NpgsqlConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM webhook_subscriptions");

    public static Task<IEnumerable<WebhookSubscription>> ListAsync(NpgsqlConnection connection) =>
        connection.QueryAsync<WebhookSubscription>($"SELECT {Columns} FROM webhook_subscriptions ORDER BY created_at, id");

    public static Task<WebhookSubscription?> GetAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<WebhookSubscription>($"SELECT {Columns} FROM webhook_subscriptions WHERE id = @id", new { id }, tx);

    public static Task<WebhookSubscription> InsertAsync(NpgsqlConnection connection, Guid id, string url, string[] events,
        string? projectCode, string? description, byte[] secret, Guid createdBy) =>
        connection.QuerySingleAsync<WebhookSubscription>(
            $"""
            INSERT INTO webhook_subscriptions (id, url, events, project_code, description, secret, created_by)
            VALUES (@id, @url, @events, @projectCode, @description, @secret, @createdBy)
            RETURNING {Columns}
            """, new { id, url, events, projectCode, description, secret, createdBy });

    public static Task<WebhookSubscription?> UpdateAsync(NpgsqlConnection connection, Guid id, string url, string[] events,
        string? projectCode, string? description, bool enabled) =>
        connection.QuerySingleOrDefaultAsync<WebhookSubscription>(
            $"""
            UPDATE webhook_subscriptions SET url = @url, events = @events, project_code = @projectCode, description = @description,
                   enabled = @enabled,
                   disabled_reason = CASE WHEN @enabled THEN NULL ELSE coalesce(disabled_reason, 'Disabled by an administrator.') END,
                   failing_since = CASE WHEN @enabled AND NOT enabled THEN NULL ELSE failing_since END,
                   updated_at = now()
            WHERE id = @id
            RETURNING {Columns}
            """, new { id, url, events, projectCode, description, enabled });

    public static async Task<bool> DeleteAsync(NpgsqlConnection connection, Guid id) =>
        await connection.ExecuteAsync("DELETE FROM webhook_subscriptions WHERE id = @id", new { id }) == 1;

    /// <summary>The new secret signs from now on; the old one also signs until <paramref name="overlapUntil"/>.</summary>
    public static Task<DateTime?> RotateAsync(NpgsqlConnection connection, Guid id, byte[] secret, DateTimeOffset overlapUntil) =>
        connection.QuerySingleOrDefaultAsync<DateTime?>(
            """
            UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_expires_at = @overlapUntil,
                   secret = @secret, updated_at = now()
            WHERE id = @id
            RETURNING previous_secret_expires_at
            """, new { id, secret, overlapUntil });

    /// <summary>A delivery of one event to one subscription (the test event, or a redelivery of an earlier event).</summary>
    public static async Task<long> AddDeliveryAsync(NpgsqlConnection connection, Guid subscriptionId, OutboxEvent? newEvent, Guid eventId)
    {
        await using var tx = await connection.BeginTransactionAsync();
        if (newEvent is not null)
        {
            await connection.ExecuteAsync(
                "INSERT INTO webhook_events (id, type, occurred_at, project_code, body) VALUES (@Id, @Type, @OccurredAt, @ProjectCode, @body)",
                new { newEvent.Id, newEvent.Type, newEvent.OccurredAt, newEvent.ProjectCode, body = Body(newEvent) }, tx);
        }
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO webhook_deliveries (subscription_id, event_id) VALUES (@subscriptionId, @eventId) RETURNING id",
            new { subscriptionId, eventId }, tx);
        await tx.CommitAsync();
        return id;
    }

    public static Task<Guid?> EventOfDeliveryAsync(NpgsqlConnection connection, Guid subscriptionId, long deliveryId) =>
        connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT event_id FROM webhook_deliveries WHERE id = @deliveryId AND subscription_id = @subscriptionId", new { subscriptionId, deliveryId });

    /// <summary>A page of a subscription's deliveries, newest first, each with its attempts (at most one per retry step).</summary>
    public static async Task<(IReadOnlyList<WebhookDelivery> Items, long Total)> DeliveriesAsync(
        NpgsqlConnection connection, Guid subscriptionId, int limit, int offset)
    {
        var total = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = @subscriptionId", new { subscriptionId });
        var rows = (await connection.QueryAsync<DeliveryRow>(
            """
            SELECT d.id, d.event_id AS eventid, e.type AS eventtype, d.status, d.attempts, d.created_at AS createdat,
                   CASE WHEN d.status = 'pending' THEN d.next_attempt_at END AS nextattemptat, d.finished_at AS finishedat
            FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
            WHERE d.subscription_id = @subscriptionId ORDER BY d.id DESC LIMIT @limit OFFSET @offset
            """, new { subscriptionId, limit, offset })).ToList();
        var attempts = (await connection.QueryAsync<(long DeliveryId, DateTime AttemptedAt, int? StatusCode, int DurationMs, string? Error)>(
            """
            SELECT delivery_id, attempted_at, status_code, duration_ms, error FROM webhook_delivery_attempts
            WHERE delivery_id = ANY(@ids) ORDER BY id
            """, new { ids = rows.Select(r => r.Id).ToArray() })).ToLookup(a => a.DeliveryId);
        return ([.. rows.Select(r => new WebhookDelivery(r.Id, r.EventId, r.EventType, r.Status, r.Attempts, r.CreatedAt, r.NextAttemptAt,
            r.FinishedAt, [.. attempts[r.Id].Select(a => new WebhookAttempt(a.AttemptedAt, a.StatusCode, a.DurationMs, a.Error))]))], total);
    }

    private sealed class DeliveryRow
    {
        public long Id { get; init; }
        public Guid EventId { get; init; }
        public string EventType { get; init; } = "";
        public string Status { get; init; } = "";
        public int Attempts { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? NextAttemptAt { get; init; }
        public DateTime? FinishedAt { get; init; }
    }
}
