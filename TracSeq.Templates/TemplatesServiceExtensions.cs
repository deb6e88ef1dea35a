using System.Text;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using TracSeq.ServiceDefaults.Security;
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

        // The standard resilience handler would retry a down Samples for ~30 s with backoff. Instead: two quick
        // retries of connection failures and 5xx (safe for this POST only because Samples keys it by submission id),
        // a bounded attempt and total time, so an outage answers 503 in about a second, never a hang.
#pragma warning disable EXTEXP0001 // experimental API; the alternative is hand-building a service-discovery client
        builder.Services.AddHttpClient<SamplesBatchClient>(client =>
            {
                client.BaseAddress = new Uri(builder.Configuration["Samples:BaseAddress"] ?? "http://samples");
                client.Timeout = BatchTotalTimeout + TimeSpan.FromSeconds(5);
            })
            .RemoveAllResilienceHandlers()
            .AddServiceIdentity("templates")
            .AddResilienceHandler("samples-batch", pipeline =>
            {
                pipeline.AddTimeout(BatchTotalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(200),
                    BackoffType = DelayBackoffType.Constant,
                    UseJitter = true,
                });
                pipeline.AddTimeout(BatchAttemptTimeout);
            });
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static WebApplication MapTemplatesEndpoints(this WebApplication app)
    {
        app.MapTemplatesApi();
        app.MapSubmissionsApi();
        return app;
    }
}
