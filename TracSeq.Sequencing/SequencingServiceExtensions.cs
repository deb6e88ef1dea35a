using TracSeq.Sequencing.IndexChecks;
using TracSeq.Sequencing.Kits;
using TracSeq.Sequencing.Libraries;
using TracSeq.Sequencing.Pools;
using TracSeq.Sequencing.Qc;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Results;
using TracSeq.Sequencing.SampleSheets;
using TracSeq.Sequencing.Labels;
using TracSeq.Sequencing.Projects;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Client;
using TracSeq.ServiceDefaults.Outbox;
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
        builder.Services.AddOptions<SampleSheetOptions>().Bind(builder.Configuration.GetSection(SampleSheetOptions.Section))
            .Validate(o => !o.Errors().Any(), $"The {SampleSheetOptions.Section} settings are not valid: see docs/sequencing.md.")
            .ValidateOnStart();
        SequencingMetrics.PublishInitialSeries();
        builder.Services.AddResultsPolicies();
        ResultsMetrics.PublishInitialSeries();

        builder.AddSamplesServiceClient<SamplesClient>("sequencing", SamplesAttemptTimeout, SamplesTotalTimeout);
        builder.AddProjectAccessFromSamples("sequencing"); // libraries are their samples' projects'; memberships come from Samples
        builder.Services.AddSingleton<ProjectGate>();
        builder.Services.AddSingleton<SampleProjectsClient>();
        builder.Services.AddHostedService<LibraryProjectBackfill>(); // libraries made before projects join their samples' projects
        builder.AddOutboxRelayToSamples("sequencing"); // run.status_changed (and the results feature's events) for webhooks
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
        app.MapResultsApi();
        app.MapLabelItemsInternalApi();
        app.MapLibraryProjectsInternalApi();
        return app;
    }
}
