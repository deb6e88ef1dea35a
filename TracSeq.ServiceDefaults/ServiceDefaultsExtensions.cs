using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TracSeq.ServiceDefaults.Correlation;
using TracSeq.ServiceDefaults.Health;
using TracSeq.ServiceDefaults.Metrics;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every TracSeq service shares: telemetry, metrics, health, correlation ids, problem details,
/// service discovery and resilient HttpClients. A service's Program calls <see cref="AddServiceDefaults"/>
/// on the builder and <see cref="UseServiceDefaults"/> on the app, and nothing else of this kind.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddTracSeqTelemetry();
        PrometheusMetricsExtensions.ConfigurePrometheusDefaults();
        builder.Services.AddTracSeqProblemDetails();
        builder.Services.AddCorrelationIds();
        builder.Services.AddTracSeqForwardedHeaders(builder.Configuration);
        builder.AddTracSeqRequestLimits();
        builder.Services.AddHealthChecks().AddLivenessCheck();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
            http.AddCorrelationIdForwarding();
        });

        // Stop quickly: nothing a service does in flight is worth holding a deploy or a test run for long.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// The shared front of the request pipeline, then <c>/metrics</c>, <c>/health</c> and <c>/alive</c>.
    /// Call it first on the app; map the service's own endpoints after it.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseSignedClientAddress(); // before UseForwardedHeaders: a signed address wins over any header
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMetricsPortOnly();
        app.UseCorrelationIds();
        app.UseRouting();
        app.UseRequestBodyLimitAnswers(); // after routing: an endpoint may accept more
        if (app.Services.GetService<ICorsService>() is not null)
        {
            app.UseCors(); // before authorization, so preflight requests need no token
        }
        if (app.Configuration.IsTelemetryEnabled()) // TracSeq:Telemetry:Enabled, see TelemetryExtensions
        {
            app.UseTracSeqAccessLog(); // after routing, so endpoints that opt out (health, metrics) are known
            app.UseTracSeqHttpMetrics();
        }
        if (app.Services.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        app.UseServiceIdentity(); // after authorization: a call without a user's token is 401 before it is 403

        app.MapTracSeqMetrics();
        app.MapTracSeqHealthChecks();
        return app;
    }
}
