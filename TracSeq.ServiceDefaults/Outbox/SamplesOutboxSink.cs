using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.ServiceDefaults.Outbox;

/// <summary>
/// Hands a service's outbox to the webhook hub in Samples (<c>POST /internal/webhooks/events</c>, with the service's
/// signed identity). Samples keeps each event id once, so a batch sent again after a crash is delivered once.
/// </summary>
public sealed class SamplesOutboxSink(HttpClient samples) : IOutboxSink
{
    public const string Route = "/internal/webhooks/events";

    /// <summary>The most events one call may carry (Samples refuses more): the relay's batch.</summary>
    public const int MaxEvents = OutboxRelay.BatchSize;

    public async Task SendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxEvent> events, CancellationToken ct)
    {
        using var response = await samples.PostAsJsonAsync(Route, events, ct);
        response.EnsureSuccessStatusCode();
    }
}

public static class SamplesOutboxSinkExtensions
{
    /// <summary>Relays this service's outbox to Samples' webhook hub as <paramref name="caller"/>.</summary>
    public static IHostApplicationBuilder AddOutboxRelayToSamples(this IHostApplicationBuilder builder, string caller)
    {
        builder.AddSamplesServiceClient<SamplesOutboxSink>(caller, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        return builder.AddOutboxRelay<SamplesOutboxSink>();
    }
}
