using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace TracSeq.ServiceDefaults.Metrics;

/// <summary>prometheus-net at <c>/metrics</c>: HTTP request metrics, process metrics and the .NET runtime meter.</summary>
public static class PrometheusMetricsExtensions
{
    /// <summary>
    /// OpenTelemetry already exports the ASP.NET Core and HttpClient meters over OTLP; the Prometheus registry
    /// publishes only the runtime meter besides its own metrics, so /metrics carries GC, thread-pool and
    /// allocation figures without duplicates. The default registry applies this before its first collection.
    /// </summary>
    public static void ConfigurePrometheusDefaults()
    {
        Prometheus.Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i => i.Meter.Name == "System.Runtime");
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
    }

    public static WebApplication UseTracSeqHttpMetrics(this WebApplication app)
    {
        app.UseHttpMetrics();
        return app;
    }

    public static IEndpointConventionBuilder MapTracSeqMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMetrics("/metrics").WithHttpLogging(HttpLoggingFields.None).AllowAnonymous().DisableRateLimiting();
}
