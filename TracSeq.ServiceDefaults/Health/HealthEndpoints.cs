using Microsoft.AspNetCore.HttpLogging;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TracSeq.ServiceDefaults.Health;

/// <summary>
/// <c>/alive</c>: the process answers (checks tagged "live" only). <c>/health</c>: ready to serve, every registered
/// check, including the service's database and Redis. Both are mapped in every environment and answer JSON.
/// </summary>
public static class HealthEndpoints
{
    public const string LiveTag = "live";

    public static IHealthChecksBuilder AddLivenessCheck(this IHealthChecksBuilder checks) =>
        checks.AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

    public static WebApplication MapTracSeqHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJson })
            .WithHttpLogging(HttpLoggingFields.None)
            .AllowAnonymous()
            .DisableRateLimiting();
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteJson,
        }).WithHttpLogging(HttpLoggingFields.None).AllowAnonymous().DisableRateLimiting();
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Status per check, never exception text: the body is public through the gateway.</summary>
    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1) }),
        };
        return context.Response.WriteAsJsonAsync(body, Json);
    }
}
