using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Outbox;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Webhooks;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? ProjectId, string? Description);

/// <summary>A merge patch: a field left out stays; <c>projectId</c>/<c>description</c> null clear it.</summary>
public sealed record UpdateWebhookRequest(string? Url, IReadOnlyList<string>? Events, JsonElement ProjectId, JsonElement Description, bool? Enabled);

public sealed record WebhookDto(
    Guid Id, string Url, IReadOnlyList<string> Events, string? ProjectId, string? Description, bool Enabled, string? DisabledReason,
    DateTime? FailingSince, DateTime? PreviousSecretExpiresAt, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static WebhookDto From(WebhookSubscription s) => new(s.Id, s.Url, s.Events, s.ProjectCode, s.Description, s.Enabled,
        s.DisabledReason, s.FailingSince, s.PreviousSecretExpiresAt is { } until && until > DateTime.UtcNow ? until : null, s.CreatedAt, s.UpdatedAt);
}

/// <summary>The one answer that carries the signing secret: creation and rotation.</summary>
public sealed record WebhookWithSecret(WebhookDto Webhook, string Secret);

public sealed record RotatedSecret(string Secret, DateTime? PreviousSecretExpiresAt);

public sealed record DeliveryQueued(long DeliveryId, Guid EventId);

/// <summary>
/// Webhook subscriptions (lab administrators): register a URL for event types, optionally for one project's events;
/// read, change, delete, rotate the secret, send a test event, read the delivery log, redeliver.
/// </summary>
public static class WebhooksApi
{
    public const int MaxSubscriptions = 100;
    public const int MaxDescription = 500;
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/webhooks").WithTags("Webhooks").WithStandardProblems().RequireAuthorization(Policies.CanAdminister);
        hooks.MapGet("/", ListAsync);
        hooks.MapPost("/", CreateAsync).Produces<WebhookWithSecret>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict)
            .WithRequestExample(
                """{"url": "https://hooks.example.org/tracseq", "events": ["sample.created", "run.status_changed"],""" +
                """ "projectId": "ONC-2025", "description": "Pipeline launcher"}""");
        hooks.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPatch("/{id:guid}", UpdateAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithRequestExample("""{"events": ["sample.status_changed"], "enabled": true}""");
        hooks.MapDelete("/{id:guid}", DeleteAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{id:guid}/rotate-secret", RotateSecretAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{id:guid}/test", TestAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapGet("/{id:guid}/deliveries", DeliveriesAsync).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{id:guid}/deliveries/{deliveryId:long}/redeliver", RedeliverAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return hooks;
    }

    /// <summary>List webhook subscriptions</summary>
    /// <remarks>Lab administrators. Every subscription (at most 100), oldest first; secrets are never listed.</remarks>
    public static async Task<Ok<IReadOnlyList<WebhookDto>>> ListAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok<IReadOnlyList<WebhookDto>>([.. (await WebhookStore.ListAsync(connection)).Select(WebhookDto.From)]);
    }

    /// <summary>Register a webhook</summary>
    /// <remarks>
    /// Lab administrators. <c>url</c>: https, at most 2,000 characters, resolving only to public addresses (checked
    /// again at every send). <c>events</c>: 1 or more of the event types (docs/webhooks.md). <c>projectId</c>: a
    /// project code; the subscription then receives only that project's events. The answer carries the signing
    /// <c>secret</c> (<c>whsec_…</c>) — the only time it is shown. At most 100 subscriptions (409 beyond).
    /// </remarks>
    /// <response code="201">The subscription and its secret.</response>
    /// <response code="400">A bad URL, an unknown event type (the valid ones are listed), a bad project code.</response>
    /// <response code="409">The lab already has 100 subscriptions.</response>
    /// <response code="503">Secrets cannot be sealed (the service secret is not configured).</response>
    public static async Task<Results<Created<WebhookWithSecret>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal user, NpgsqlDataSource db, WebhookAddressPolicy policy, WebhookSecrets secrets, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var events = CheckEvents(request.Events, errors, required: true);
        CheckProject(request.ProjectId, errors);
        errors.Text("description", request.Description, MaxDescription, required: false);
        var url = await CheckUrlAsync(request.Url, policy, errors, ct);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (!secrets.Available)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Webhook secrets cannot be stored: the service secret is not configured.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        if (await WebhookStore.CountAsync(connection) >= MaxSubscriptions)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"The lab already has {MaxSubscriptions} webhook subscriptions; delete one first.");
        }
        var secret = WebhookSignature.NewSecret();
        var created = await WebhookStore.InsertAsync(connection, Guid.CreateVersion7(), url!, events!, Blank(request.ProjectId),
            Blank(request.Description), secrets.Seal(secret), user.GetUserId());
        return TypedResults.Created($"/api/webhooks/{created.Id}", new WebhookWithSecret(WebhookDto.From(created), secret));
    }

    /// <summary>One webhook subscription</summary>
    /// <remarks>Lab administrators. Its URL, events, project, state (enabled, failing since, why disabled); never its secret.</remarks>
    /// <response code="404">No subscription has this id.</response>
    public static async Task<Results<Ok<WebhookDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await WebhookStore.GetAsync(connection, id) is { } found ? TypedResults.Ok(WebhookDto.From(found)) : NotFound();
    }

    /// <summary>Change a webhook subscription</summary>
    /// <remarks>
    /// Lab administrators. Any of url, events, projectId, description (null clears the last two) and enabled;
    /// enabling a disabled subscription starts its failure clock afresh. The URL is checked as at registration.
    /// </remarks>
    public static async Task<Results<Ok<WebhookDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateWebhookRequest request, NpgsqlDataSource db, WebhookAddressPolicy policy, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var events = CheckEvents(request.Events, errors, required: false);
        var project = Optional(request.ProjectId, "projectId", errors);
        var description = Optional(request.Description, "description", errors);
        CheckProject(project.Value, errors);
        errors.Text("description", description.Value, MaxDescription, required: false);
        var url = request.Url is null ? null : await CheckUrlAsync(request.Url, policy, errors, ct);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var current = await WebhookStore.GetAsync(connection, id);
        if (current is null)
        {
            return NotFound();
        }
        var updated = await WebhookStore.UpdateAsync(connection, id, url ?? current.Url, events ?? current.Events,
            project.Given ? Blank(project.Value) : current.ProjectCode, description.Given ? Blank(description.Value) : current.Description,
            request.Enabled ?? current.Enabled);
        return updated is null ? NotFound() : TypedResults.Ok(WebhookDto.From(updated));
    }

    /// <summary>Delete a webhook subscription</summary>
    /// <remarks>Lab administrators. Its pending deliveries are dropped with it.</remarks>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await WebhookStore.DeleteAsync(connection, id) ? TypedResults.NoContent() : NotFound();
    }

    /// <summary>Rotate a webhook's signing secret</summary>
    /// <remarks>
    /// Lab administrators. Answers the new secret (shown only here). For 24 hours every delivery carries two signatures,
    /// one with the new secret and one with the old, so the receiver can switch without missing a delivery.
    /// </remarks>
    public static async Task<Results<Ok<RotatedSecret>, ProblemHttpResult>> RotateSecretAsync(
        Guid id, NpgsqlDataSource db, WebhookSecrets secrets, TimeProvider clock, CancellationToken ct)
    {
        if (!secrets.Available)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Webhook secrets cannot be stored: the service secret is not configured.");
        }
        var secret = WebhookSignature.NewSecret();
        await using var connection = await db.OpenConnectionAsync(ct);
        var overlap = await WebhookStore.RotateAsync(connection, id, secrets.Seal(secret), clock.GetUtcNow() + SecretOverlap);
        return overlap is null ? NotFound() : TypedResults.Ok(new RotatedSecret(secret, overlap));
    }

    /// <summary>Send a test event</summary>
    /// <remarks>Lab administrators. Queues a <c>webhook.test</c> event for this subscription alone, whatever its event types.</remarks>
    public static async Task<Results<Accepted<DeliveryQueued>, ProblemHttpResult>> TestAsync(
        Guid id, NpgsqlDataSource db, WebhookWakeup wakeup, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await WebhookStore.GetAsync(connection, id) is null)
        {
            return NotFound();
        }
        var test = OutboxEvent.Create(WebhookEventTypes.WebhookTest, new WebhookTestData(id, "A test event from TracSeq."));
        var deliveryId = await WebhookStore.AddDeliveryAsync(connection, id, test, test.Id);
        wakeup.Signal(dispatcher.Workers);
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries", new DeliveryQueued(deliveryId, test.Id));
    }

    /// <summary>A webhook's deliveries</summary>
    /// <remarks>
    /// Lab administrators. Newest first, paged (<c>page</c>, <c>pageSize</c> up to 500): the event, the status
    /// (pending, delivered, failed), the next attempt, and every attempt with its time, status code, duration and error.
    /// </remarks>
    public static async Task<Results<Ok<PagedResult<WebhookDelivery>>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        Guid id, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await WebhookStore.GetAsync(connection, id) is null)
        {
            return NotFound();
        }
        var (items, total) = await WebhookStore.DeliveriesAsync(connection, id, paging.PageSize, paging.Offset);
        return TypedResults.Ok(new PagedResult<WebhookDelivery>(items, paging.Page, paging.PageSize, total));
    }

    /// <summary>Deliver an event again</summary>
    /// <remarks>Lab administrators. Queues a new delivery of the same event (same <c>webhook-id</c>, so the receiver can tell).</remarks>
    public static async Task<Results<Accepted<DeliveryQueued>, ProblemHttpResult>> RedeliverAsync(
        Guid id, long deliveryId, NpgsqlDataSource db, WebhookWakeup wakeup, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await WebhookStore.EventOfDeliveryAsync(connection, id, deliveryId) is not { } eventId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This webhook has no such delivery.");
        }
        var queued = await WebhookStore.AddDeliveryAsync(connection, id, null, eventId);
        wakeup.Signal(dispatcher.Workers);
        return TypedResults.Accepted($"/api/webhooks/{id}/deliveries", new DeliveryQueued(queued, eventId));
    }

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No webhook subscription has this id.");

    private static string[]? CheckEvents(IReadOnlyList<string>? events, ValidationErrors errors, bool required)
    {
        if (events is null)
        {
            errors.Check(!required, "events", "events must list at least one event type.");
            return null;
        }
        var unknown = events.Where(e => !WebhookEventTypes.IsSubscribable(e)).ToList();
        errors.Check(events.Count > 0, "events", "events must list at least one event type.")
            .Check(unknown.Count == 0, "events",
                $"Unknown event type(s): {string.Join(", ", unknown.Take(10))}. Valid: {string.Join(", ", WebhookEventTypes.Subscribable)}.");
        return [.. events.Distinct(StringComparer.Ordinal)];
    }

    private static void CheckProject(string? projectId, ValidationErrors errors) =>
        errors.Check(projectId is null || ProjectCodes.IsValid(projectId), "projectId",
            $"projectId must be a project code: 1 to {ProjectCodes.MaxLength} letters, digits, dots, hyphens or underscores.");

    private static async Task<string?> CheckUrlAsync(string? url, WebhookAddressPolicy policy, ValidationErrors errors, CancellationToken ct)
    {
        if (policy.RefusesUrl(url, out var uri) is { } bad)
        {
            errors.Add("url", bad);
            return null;
        }
        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        lookup.CancelAfter(TimeSpan.FromSeconds(5));
        var (_, refusal) = await policy.ResolveAsync(uri!.IdnHost, lookup.Token);
        if (refusal is not null)
        {
            errors.Add("url", refusal);
            return null;
        }
        return uri.AbsoluteUri;
    }

    /// <summary>A merge-patch field: absent (not given), null, or a string; anything else is a 400.</summary>
    private static (bool Given, string? Value) Optional(JsonElement element, string field, ValidationErrors errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined:
                return (false, null);
            case JsonValueKind.Null:
                return (true, null);
            case JsonValueKind.String:
                return (true, element.GetString());
            default:
                errors.Add(field, $"{field} must be a string or null.");
                return (false, null);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
