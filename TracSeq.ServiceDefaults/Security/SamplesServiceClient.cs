using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace TracSeq.ServiceDefaults.Security;

/// <summary>
/// The HttpClient a service uses to call Samples (Templates commits submissions, Sequencing records library events and
/// moves samples for runs). Not the standard resilience handler, which would retry a down Samples for ~30 s with
/// backoff: two quick retries of connection failures and 5xx — safe because every write to Samples is keyed
/// (Idempotency-Key) — a bounded attempt and total time, so an outage answers 503 in seconds, never a hang; and the
/// caller's service identity, which Samples' <c>/internal</c> routes require.
/// </summary>
public static class SamplesServiceClient
{
    public static IHttpClientBuilder AddSamplesServiceClient<TClient>(this IHostApplicationBuilder builder, string caller,
        TimeSpan attemptTimeout, TimeSpan totalTimeout) where TClient : class
    {
        var samples = builder.Services.AddHttpClient<TClient>(client => Configure(builder, client, totalTimeout));
        return samples.WithSamplesResilience(caller, attemptTimeout, totalTimeout);
    }

    /// <summary>The same client by name, for a singleton that creates it per call (IHttpClientFactory).</summary>
    public static IHttpClientBuilder AddSamplesServiceClient(this IHostApplicationBuilder builder, string name, string caller,
        TimeSpan attemptTimeout, TimeSpan totalTimeout) =>
        builder.Services.AddHttpClient(name, client => Configure(builder, client, totalTimeout))
            .WithSamplesResilience(caller, attemptTimeout, totalTimeout);

    private static void Configure(IHostApplicationBuilder builder, HttpClient client, TimeSpan totalTimeout)
    {
        client.BaseAddress = new Uri(builder.Configuration["Samples:BaseAddress"] ?? "http://samples");
        client.Timeout = totalTimeout + TimeSpan.FromSeconds(5);
    }

    private static IHttpClientBuilder WithSamplesResilience(this IHttpClientBuilder samples, string caller, TimeSpan attemptTimeout, TimeSpan totalTimeout)
    {
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        samples.RemoveAllResilienceHandlers();
        samples.AddResilienceHandler("samples", pipeline =>
            {
                pipeline.AddTimeout(totalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Constant,
                    UseJitter = true,
                });
                pipeline.AddTimeout(attemptTimeout);
            });
        samples.AddServiceIdentity(caller, "samples"); // inside the retries: every attempt signed afresh (nonces are single-use)
#pragma warning restore EXTEXP0001
        return samples;
    }

    /// <summary>How long Samples' <c>/alive</c> may take before the caller answers 503.</summary>
    public static readonly TimeSpan AliveTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A stopped Samples may still have its address answered by a proxy that accepts the connection and then says
    /// nothing, so a call would wait out its whole timeout. Asking <c>/alive</c> first, with a short deadline, turns that
    /// into a 503 within seconds. Null when Samples is alive; otherwise why it is not.
    /// </summary>
    public static async Task<string?> WhyNotAliveAsync(HttpClient samples, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(AliveTimeout);
        try
        {
            using var alive = await samples.GetAsync("/alive", deadline.Token);
            return alive.IsSuccessStatusCode ? null : $"Samples is not alive: /alive answered {(int)alive.StatusCode}.";
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return $"Samples did not answer /alive within {AliveTimeout.TotalSeconds} s.";
        }
    }
}
