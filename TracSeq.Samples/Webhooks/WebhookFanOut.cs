using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Outbox;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Webhooks;

/// <summary>
/// Samples' own outbox goes straight into deliveries, in the relay's transaction. The dispatcher is woken only once that
/// has committed: woken before, it finds nothing yet and sleeps its whole idle interval (the p95 of a second it cost).
/// </summary>
public sealed class LocalWebhookFanOut(WebhookWakeup wakeup, WebhookDispatcher dispatcher) : IOutboxSink
{
    private int _deliveries;

    public async Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxEvent> events, CancellationToken ct) =>
        _deliveries += await WebhookStore.FanOutAsync(connection, transaction, events);

    public void Committed()
    {
        if (_deliveries > 0)
        {
            wakeup.Signal(dispatcher.Workers);
        }
        _deliveries = 0;
    }
}

public sealed record FannedOut(int Events, int Deliveries);

/// <summary>
/// <c>POST /internal/webhooks/events</c>: Templates' and Sequencing's outbox relays hand their events here, with their
/// service identity (no user: the relay runs in the background). Each event id is kept once, so a batch sent again
/// after a crash adds nothing.
/// </summary>
public static class WebhookEventsInternalApi
{
    public static IEndpointRouteBuilder MapWebhookEventsInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(SamplesOutboxSink.Route, ReceiveAsync).AllowAnonymous().RequireServiceIdentity("templates", "sequencing")
            .WithTags("Internal").ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<FannedOut>, ValidationProblem>> ReceiveAsync(
        List<OutboxEvent>? events, NpgsqlDataSource db, WebhookWakeup wakeup, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        var errors = new ValidationErrors()
            .Check(events is { Count: > 0 and <= SamplesOutboxSink.MaxEvents }, "events", $"Send 1 to {SamplesOutboxSink.MaxEvents} events.")
            .Check(events is null || events.All(e => e.Id != Guid.Empty && WebhookEventTypes.IsSubscribable(e.Type) && e.Type != WebhookEventTypes.WebhookTest
                && (e.ProjectCode is null || ProjectCodes.IsValid(e.ProjectCode))),
                "events", "Every event needs an id, a known type and a valid project code or none.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deliveries = await WebhookStore.FanOutAsync(connection, tx, [.. events!.Select(e => e with { OccurredAt = e.OccurredAt.ToUniversalTime() })]);
        await tx.CommitAsync(ct);
        if (deliveries > 0)
        {
            wakeup.Signal(dispatcher.Workers);
        }
        return TypedResults.Ok(new FannedOut(events!.Count, deliveries));
    }
}
