using Dapper;
using Npgsql;
using Prometheus;

namespace TracSeq.Samples.Webhooks;

/// <summary>Wakes the dispatcher in this process when deliveries were just added (other replicas poll).</summary>
public sealed class WebhookWakeup
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Signal(int workers) => _signal.Release(workers);

    public Task WaitAsync(TimeSpan idle, CancellationToken ct) => _signal.WaitAsync(idle, ct);
}

/// <summary>
/// Sends pending deliveries. Each worker takes the oldest pending delivery of one subscription whose time has come,
/// locked (<c>FOR UPDATE SKIP LOCKED</c>) for the length of the attempt, so no two workers or replicas send it at
/// once and a subscription's later deliveries wait (in order, one in flight). After the attempt, in the same
/// transaction: the attempt is logged, the delivery is delivered, retried per <see cref="WebhookRetrySchedule"/> or
/// failed, and a subscription failing for <c>TracSeq:Webhooks:DisableAfter</c> (3 days) is disabled.
/// </summary>
public sealed class WebhookDispatcher(
    NpgsqlDataSource db, WebhookSender sender, WebhookSecrets secrets, WebhookWakeup wakeup, IConfiguration configuration,
    TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public static readonly Counter Deliveries = Metrics.CreateCounter("tracseq_webhook_deliveries_total",
        "Webhook delivery attempts by outcome: delivered, retrying (failed, will be tried again), failed (given up).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Counter SubscriptionsDisabled = Metrics.CreateCounter("tracseq_webhook_subscriptions_disabled_total",
        "Webhook subscriptions disabled because every delivery failed for the disable period.");

    public static readonly string[] Outcomes = ["delivered", "retrying", "failed"];

    public static void PublishInitialSeries()
    {
        foreach (var outcome in Outcomes)
        {
            Deliveries.WithLabels(outcome);
        }
    }

    private readonly WebhookRetrySchedule _schedule = WebhookRetrySchedule.Parse(configuration[WebhookRetrySchedule.Key]);
    private readonly TimeSpan _disableAfter = configuration.GetValue("TracSeq:Webhooks:DisableAfter", TimeSpan.FromDays(3));
    private readonly TimeSpan _idle = configuration.GetValue("TracSeq:Webhooks:PollInterval", TimeSpan.FromSeconds(1));

    public int Workers { get; } = Math.Clamp(configuration.GetValue("TracSeq:Webhooks:Workers", 4), 1, 32);

    private readonly TimeSpan _retention = configuration.GetValue("TracSeq:Webhooks:Retention", TimeSpan.FromDays(30));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken))
            .Append(Task.Run(() => ForgetOldAsync(stoppingToken), stoppingToken)));

    /// <summary>The delivery log and events are kept for <c>TracSeq:Webhooks:Retention</c> (30 days), then dropped hourly.</summary>
    private async Task ForgetOldAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using (var connection = await db.OpenConnectionAsync(ct))
                {
                    await connection.ExecuteAsync(
                        """
                        DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < now() - @retention::interval;
                        DELETE FROM webhook_events e WHERE e.received_at < now() - @retention::interval
                            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id);
                        """, new { retention = _retention });
                }
                await Task.Delay(TimeSpan.FromHours(1), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Webhook log clean-up failed, will retry: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromMinutes(5), ct);
            }
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await SendNextAsync(ct))
                {
                    await wakeup.WaitAsync(_idle, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook dispatcher: an attempt could not be recorded; it will be tried again");
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    /// <summary>One attempt at the next due delivery; false when nothing is due.</summary>
    private async Task<bool> SendNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var due = await connection.QuerySingleOrDefaultAsync<DueDelivery>(
            """
            SELECT d.id, d.attempts, d.subscription_id AS subscriptionid, d.event_id AS eventid, e.body, s.url, s.secret,
                   s.failing_since IS NOT NULL AS failing,
                   CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END AS previoussecret
            FROM webhook_deliveries d
            JOIN webhook_subscriptions s ON s.id = d.subscription_id
            JOIN webhook_events e ON e.id = d.event_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND s.enabled
              AND d.id = (SELECT min(h.id) FROM webhook_deliveries h WHERE h.subscription_id = d.subscription_id AND h.status = 'pending')
            ORDER BY d.next_attempt_at
            LIMIT 1
            FOR UPDATE OF d SKIP LOCKED
            """, transaction: tx);
        if (due is null)
        {
            await tx.CommitAsync(ct);
            return false;
        }

        var outcome = await AttemptAsync(due, ct);
        await RecordAsync(connection, tx, due, outcome, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<SendOutcome> AttemptAsync(DueDelivery due, CancellationToken ct)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var keys = new List<byte[]> { WebhookSignature.KeyOf(secrets.Open(due.Secret)) };
        if (due.PreviousSecret is not null)
        {
            keys.Add(WebhookSignature.KeyOf(secrets.Open(due.PreviousSecret)));
        }
        var id = WebhookId(due.EventId);
        return await sender.SendAsync(new Uri(due.Url), id, timestamp, WebhookSignature.Header(id, timestamp, due.Body, keys), due.Body, ct);
    }

    /// <summary>The <c>webhook-id</c>: the event's, so a retry or a redelivery carries the same one.</summary>
    public static string WebhookId(Guid eventId) => $"evt_{eventId:N}";

    private async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DueDelivery due, SendOutcome outcome, CancellationToken ct)
    {
        var attempts = due.Attempts + 1;
        var retryIn = outcome.Delivered ? null : _schedule.After(attempts);
        var status = outcome.Delivered ? "delivered" : retryIn is null ? "failed" : "pending";
        // The attempt log is bookkeeping: its commit need not wait for the disk. A database crash can lose the last
        // fraction of a second of it, and those deliveries go again with the same webhook-id (at least once).
        await connection.ExecuteAsync(
            """
            SET LOCAL synchronous_commit TO OFF;
            INSERT INTO webhook_delivery_attempts (delivery_id, attempted_at, status_code, duration_ms, error)
            VALUES (@Id, now(), @StatusCode, @DurationMs, @Error);
            UPDATE webhook_deliveries SET attempts = @attempts, status = @status,
                   next_attempt_at = now() + coalesce(@retryIn::interval, interval '0'),
                   finished_at = CASE WHEN @status = 'pending' THEN NULL ELSE now() END
            WHERE id = @Id;
            """,
            new { due.Id, outcome.StatusCode, DurationMs = (int)outcome.Duration.TotalMilliseconds, outcome.Error, attempts, status, retryIn }, tx);

        // A healthy subscription's row is left alone: only a failure, or the first success after failures, changes it.
        var disabled = (!outcome.Delivered || due.Failing) && await connection.ExecuteScalarAsync<bool>(
            """
            UPDATE webhook_subscriptions SET
                   failing_since = CASE WHEN @delivered THEN NULL ELSE coalesce(failing_since, now()) END,
                   enabled = CASE WHEN NOT @delivered AND failing_since < now() - @disableAfter::interval THEN false ELSE enabled END,
                   disabled_reason = CASE WHEN NOT @delivered AND failing_since < now() - @disableAfter::interval
                       THEN 'Every delivery failed since ' || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.'
                       ELSE disabled_reason END
            WHERE id = @SubscriptionId
            RETURNING NOT enabled
            """, new { due.SubscriptionId, delivered = outcome.Delivered, disableAfter = _disableAfter }, tx);

        Deliveries.WithLabels(status == "pending" ? "retrying" : status).Inc();
        if (!outcome.Delivered)
        {
            logger.LogInformation("Webhook delivery {Delivery} to subscription {Subscription} attempt {Attempt} failed: {Error}",
                due.Id, due.SubscriptionId, attempts, outcome.Error);
        }
        if (disabled)
        {
            SubscriptionsDisabled.Inc();
            logger.LogWarning("Webhook subscription {Subscription} disabled: every delivery failed for {Period}", due.SubscriptionId, _disableAfter);
        }
    }

    private sealed class DueDelivery
    {
        public long Id { get; init; }
        public int Attempts { get; init; }
        public Guid SubscriptionId { get; init; }
        public Guid EventId { get; init; }
        public string Body { get; init; } = "";
        public string Url { get; init; } = "";
        public byte[] Secret { get; init; } = [];
        public byte[]? PreviousSecret { get; init; }
        public bool Failing { get; init; }
    }
}
