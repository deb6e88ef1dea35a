using TracSeq.Samples.Caching;
using TracSeq.Samples.Labels;
using TracSeq.Samples.Samples;
using TracSeq.Samples.Sequencing;
using TracSeq.Samples.Storage;

namespace TracSeq.Samples;

public static class SamplesServiceExtensions
{
    /// <summary>Samples' own parts: the read cache, the clock, and the metrics published before the first event.</summary>
    public static IHostApplicationBuilder AddSamplesService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SampleCache>();
        builder.Services.AddSingleton<ExportSlots>();
        builder.Services.AddSingleton<StorageOccupancyMetrics>();
        SampleMetrics.PublishInitialSeries();
        SequencingLabelsClient.Register(builder);
        return builder;
    }

    public static WebApplication MapSamplesEndpoints(this WebApplication app)
    {
        app.Services.GetRequiredService<StorageOccupancyMetrics>().Register();
        app.MapSamplesApi();
        app.MapStorageApi();
        app.MapSampleBatchApi();
        app.MapSequencingInternalApi();
        app.MapLabelsApi();
        return app;
    }
}
