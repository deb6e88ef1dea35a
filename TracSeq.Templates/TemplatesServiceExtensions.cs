using TracSeq.ServiceDefaults.Outbox;
using System.Text;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Samples.Client;
using TracSeq.Templates.Submissions;
using TracSeq.Templates.Templates;

namespace TracSeq.Templates;

public static class TemplatesServiceExtensions
{
    /// <summary>Per attempt: a 10,000-row batch commits in a few seconds; past this Samples is not coming back soon.</summary>
    public static readonly TimeSpan BatchAttemptTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BatchTotalTimeout = TimeSpan.FromSeconds(45);

    public static IHostApplicationBuilder AddTemplatesService(this IHostApplicationBuilder builder)
    {
        // ExcelDataReader asks for Windows-1252 even for .xlsx (and old .xls and "ANSI" CSVs need it).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        builder.Services.AddSingleton(TimeProvider.System);
        SubmissionMetrics.PublishInitialSeries();

        builder.AddSamplesServiceClient<SamplesBatchClient>("templates", BatchAttemptTimeout, BatchTotalTimeout);
        builder.AddProjectAccessFromSamples("templates"); // who may submit into which project, and see which submissions
        builder.AddOutboxRelayToSamples("templates"); // submission.completed for webhooks
        return builder;
    }

    public static WebApplication MapTemplatesEndpoints(this WebApplication app)
    {
        app.MapTemplatesApi();
        app.MapSubmissionsApi();
        return app;
    }
}
