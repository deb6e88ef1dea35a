using Microsoft.Extensions.Configuration;

namespace TracSeq.AppHost.Hosting;

public static class ServiceProjectExtensions
{
    public const string MetricsEndpointName = "metrics";

    /// <summary>
    /// A second HTTP endpoint for <c>/metrics</c> alone (<c>TracSeq:MetricsPort</c> tells the service which port it is),
    /// so a public-facing service does not hand its internal counters to anyone: only Prometheus is given this one.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPrivateMetricsEndpoint(this IResourceBuilder<ProjectResource> service) =>
        service.WithHttpEndpoint(name: MetricsEndpointName)
            .WithEnvironment(context => context.EnvironmentVariables["TracSeq__MetricsPort"] =
                service.GetEndpoint(MetricsEndpointName).Property(EndpointProperty.TargetPort));

    /// <summary>
    /// A TracSeq service: ready when its own <c>/health</c> says so (its database and Redis included). Settings under
    /// <c>TracSeq:Services:{name}</c> in the AppHost's configuration reach the service as its own configuration
    /// (e.g. <c>TracSeq:Services:gateway:Gateway:RateLimits:PerUserPerMinute=100000</c> for a benchmark).
    /// Aspire's in-memory OTLP retry is dropped: with no collector listening (tests) it stalls every shutdown by ~10 s.
    /// </summary>
    public const string ReplicasKey = "TracSeq:Replicas";

    /// <summary>
    /// <c>TracSeq:Replicas</c> (default 1): how many processes of every service run, behind Aspire's proxy on the
    /// service's one address. Everything the replicas must agree on lives in PostgreSQL or Redis (README: Replicas).
    /// </summary>
    public static int Replicas(this IDistributedApplicationBuilder builder) =>
        builder.Configuration.GetValue(ReplicasKey, 1) is var replicas and >= 1
            ? replicas
            : throw new DistributedApplicationException($"{ReplicasKey} must be 1 or more.");

    public static IResourceBuilder<ProjectResource> AddTracSeqService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var replicas = builder.Replicas();
        var overrides = builder.Configuration.GetSection($"TracSeq:Services:{name}")
            .AsEnumerable(makePathsRelative: true)
            .Where(setting => setting.Value is not null)
            .ToList();
        var project = builder.AddProject<TProject>(name);
        if (replicas > 1)
        {
            project.WithReplicas(replicas);
        }
        return project
            .WithHttpHealthCheck("/health")
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY");
                foreach (var (key, value) in overrides)
                {
                    context.EnvironmentVariables[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
                }
            });
    }
}
