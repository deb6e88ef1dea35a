using TracSeq.Samples.Caching;
using TracSeq.Samples.Labels;
using TracSeq.Samples.Lifecycle;
using TracSeq.Samples.Samples;
using TracSeq.Samples.Sequencing;
using TracSeq.Samples.Storage;
using TracSeq.Samples.Webhooks;
using TracSeq.ServiceDefaults.Outbox;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Projects;

namespace TracSeq.Samples;

public static class SamplesServiceExtensions
{
    /// <summary>Samples' own parts: the read cache, the clock, the webhook hub, and the metrics published before the first event.</summary>
    public static IHostApplicationBuilder AddSamplesService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SampleCache>();
        builder.AddProjectAccess<DatabaseMembershipSource>("samples");
        builder.Services.AddSingleton<ExportSlots>();
        builder.Services.AddSingleton<StorageOccupancyMetrics>();
        SampleMetrics.PublishInitialSeries();
        StatusChanges.PublishInitialSeries();
        SequencingLabelsClient.Register(builder);
        builder.AddWebhookHub();
        return builder;
    }

    /// <summary>Subscriptions, the dispatcher, and Samples' own outbox fanned out locally.</summary>
    private static void AddWebhookHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new WebhookAddressPolicy(builder.Configuration.GetValue(WebhookAddressPolicy.AllowPrivateKey, false)));
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<WebhookWakeup>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.AddOutboxRelay<LocalWebhookFanOut>();
        WebhookDispatcher.PublishInitialSeries();
    }

    public static WebApplication MapSamplesEndpoints(this WebApplication app)
    {
        app.Services.GetRequiredService<StorageOccupancyMetrics>().Register();
        app.MapProjectsApi();
        app.MapSamplesApi();
        app.MapSampleStatusApi();
        app.MapSamplePlacementApi();
        app.MapStorageApi();
        app.MapSampleBatchApi();
        app.MapSequencingInternalApi();
        app.MapSampleProjectsInternalApi();
        app.MapLabelsApi();
        app.MapWebhooksApi();
        app.MapWebhookEventsInternalApi();
        return app;
    }
}
