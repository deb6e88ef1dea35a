using Microsoft.Extensions.Http.Resilience;
using Polly;
using TracSeq.Sequencing.Api;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.SamplesService;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing;

public static class SequencingServiceExtensions
{
    /// <summary>Per attempt: a run's move of a few thousand samples commits in a few seconds.</summary>
    public static readonly TimeSpan SamplesAttemptTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan SamplesTotalTimeout = TimeSpan.FromSeconds(25);

    public static IHostApplicationBuilder AddSequencingService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSequencingPolicies();
        SequencingMetrics.PublishInitialSeries();

        // Not the standard handler (it would retry a down Samples for ~30 s): two quick retries of connection
        // failures and 5xx, safe because every write to Samples is keyed (library id, run transition), and bounded
        // attempt and total times, so an outage answers 503 in seconds.
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        builder.Services.AddHttpClient<SamplesClient>(client =>
            {
                client.BaseAddress = new Uri(builder.Configuration["Samples:BaseAddress"] ?? "http://samples");
                client.Timeout = SamplesTotalTimeout + TimeSpan.FromSeconds(5);
            })
            .RemoveAllResilienceHandlers()
            .AddServiceIdentity("sequencing")
            .AddResilienceHandler("samples", pipeline =>
            {
                pipeline.AddTimeout(SamplesTotalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Constant,
                    UseJitter = true,
                });
                pipeline.AddTimeout(SamplesAttemptTimeout);
            });
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static WebApplication MapSequencingEndpoints(this WebApplication app)
    {
        app.MapIndexKitsApi();
        app.MapLibrariesApi();
        app.MapIndexChecksApi();
        app.MapPoolsApi();
        app.MapRunsApi();
        app.MapQcApi();
        return app;
    }
}
