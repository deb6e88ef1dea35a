using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TracSeq.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>
    /// <c>TracSeq:Telemetry:Enabled</c> (default <c>true</c>). <c>false</c> turns off per-request instrumentation:
    /// OpenTelemetry tracing, metrics and log export, prometheus-net's HTTP request metrics and the per-request access
    /// log. Console logs, <c>/metrics</c> (process and runtime figures, the service's own meters), <c>/health</c> and
    /// correlation ids stay. It exists to measure what instrumentation costs (BENCHMARKS.md, scenario 3); production
    /// keeps the default.
    /// </summary>
    public const string EnabledSetting = "TracSeq:Telemetry:Enabled";

    public static bool IsTelemetryEnabled(this IConfiguration configuration) => configuration.GetValue(EnabledSetting, true);

    /// <summary>
    /// <c>TracSeq:Telemetry:TraceSampleRatio</c> (default <see cref="DefaultTraceSampleRatio"/>): the share of traces
    /// started here that are recorded and exported, 0 to 1. A request that arrives with a W3C parent follows its
    /// parent's decision, so a trace is recorded whole or not at all; in practice the gateway (and the web front end)
    /// decide. Set it to 1 to record every trace (e.g. while debugging with the dashboard).
    /// </summary>
    public const string TraceSampleRatioSetting = "TracSeq:Telemetry:TraceSampleRatio";

    /// <summary>
    /// One trace in ten: recording and exporting a span for every request cost a cached read about a quarter of its
    /// throughput (BENCHMARKS.md, scenario 3), while a tenth of the traffic still shows every route's shape and timing.
    /// </summary>
    public const double DefaultTraceSampleRatio = 0.1;

    public static double TraceSampleRatio(this IConfiguration configuration) =>
        configuration.GetValue(TraceSampleRatioSetting, DefaultTraceSampleRatio) is var ratio and >= 0 and <= 1
            ? ratio
            : throw new InvalidOperationException($"{TraceSampleRatioSetting} must be between 0 and 1.");

    /// <summary>Requests that operators' tools make all the time; tracing them would bury the real traffic.</summary>
    public static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/metrics");

    public static TBuilder AddTracSeqTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddJsonConsoleLogs();
        if (!builder.Configuration.IsTelemetryEnabled())
        {
            return builder;
        }
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        builder.AddMetricsAndTracing();

        // Export only where a collector is configured (the Aspire dashboard under `dotnet run`, Jaeger, ...).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Structured JSON on the console; scopes carry TraceId, SpanId and the correlation id on every line.</summary>
    private static void AddJsonConsoleLogs(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
    }

    private static void AddMetricsAndTracing(this IHostApplicationBuilder builder) =>
        builder.Services.AddOpenTelemetry()
            // Incoming HTTP requests are measured once, by prometheus-net (UseTracSeqHttpMetrics), which the dashboards
            // and alerts read; a second pipeline (OpenTelemetry's ASP.NET Core meter) cost CPU on every request for
            // figures nobody reads.
            .WithMetrics(metrics => metrics
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime"))
            .WithTracing(tracing => tracing
                // Set in code, so it wins over OTEL_TRACES_SAMPLER (Aspire sets always_on for every project): the
                // ratio is ours to choose. An unsampled request still gets an Activity with a trace id (the SDK
                // answers PropagationData for roots and remote parents), so logs, X-Correlation-Id and the audit
                // rows' trace_id are the same whether or not its spans were recorded.
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(builder.Configuration.TraceSampleRatio())))
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());
}
