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
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        var samples = builder.Services.AddHttpClient<TClient>(client =>
            {
                client.BaseAddress = new Uri(builder.Configuration["Samples:BaseAddress"] ?? "http://samples");
                client.Timeout = totalTimeout + TimeSpan.FromSeconds(5);
            })
            .RemoveAllResilienceHandlers()
            .AddServiceIdentity(caller);
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
#pragma warning restore EXTEXP0001
        return samples;
    }
}
