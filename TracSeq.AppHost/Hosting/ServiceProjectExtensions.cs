namespace TracSeq.AppHost.Hosting;

public static class ServiceProjectExtensions
{
    /// <summary>
    /// A TracSeq service: ready when its own <c>/health</c> says so (its database and Redis included). Aspire's
    /// in-memory OTLP retry is dropped: with no collector listening (tests) it stalls every shutdown by ~10 s.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddTracSeqService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpHealthCheck("/health")
            .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"));
}
