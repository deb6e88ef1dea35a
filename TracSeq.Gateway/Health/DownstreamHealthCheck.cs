using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TracSeq.Gateway.Health;

/// <summary>One service's own readiness (<c>/health</c>), asked by service-discovery name; part of the gateway's /health.</summary>
public sealed class DownstreamHealthCheck(IHttpClientFactory http, string service) : IHealthCheck
{
    public const string ClientName = "downstream-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = http.CreateClient(ClientName);
            using var response = await client.GetAsync($"http://{service}/health", cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{service} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{service} did not answer");
        }
    }
}

public static class DownstreamHealthChecks
{
    public static readonly string[] Services = ["auth", "samples", "templates", "sequencing"];

#pragma warning disable EXTEXP0001 // experimental API; readiness probes must not retry
    public static IServiceCollection AddDownstreamHealthChecks(this IServiceCollection services)
    {
        services.AddHttpClient(DownstreamHealthCheck.ClientName, c => c.Timeout = TimeSpan.FromSeconds(3)).RemoveAllResilienceHandlers();
        var checks = services.AddHealthChecks();
        foreach (var service in Services)
        {
            checks.AddTypeActivatedCheck<DownstreamHealthCheck>(service, failureStatus: HealthStatus.Unhealthy, tags: ["downstream"], args: service);
        }
        return services;
    }
#pragma warning restore EXTEXP0001
}
