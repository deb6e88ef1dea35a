namespace TracSeq.AppHost.Hosting.Jaeger;

/// <summary>
/// Jaeger v2 all-in-one: an OTLP receiver with in-memory trace storage and the Jaeger UI, configured by the plain
/// file <c>monitoring/jaeger/jaeger.yaml</c>. Container mode always runs it; local mode only where a <c>jaeger</c>
/// binary is installed (it is not a Debian package).
/// </summary>
public static class JaegerHostingExtensions
{
    public const string Image = "jaegertracing/jaeger";
    public const string ImageTag = "2.10.0";
    public const string OtlpGrpcEndpointName = "otlp-grpc";
    private const string ContainerConfigFile = "/etc/jaeger/tracseq.yaml";

    /// <returns>The Jaeger resource, or null in local mode when Jaeger is not installed.</returns>
    public static IResourceBuilder<IResourceWithEndpoints>? AddTracSeqJaeger(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, int? uiPort = null)
    {
        var config = Path.Combine(infra.MonitoringDirectory, "jaeger", "jaeger.yaml");
        if (infra.IsLocal)
        {
            if (builder.FindOptionalProgram(infra, "Jaeger", LocalPrograms.Jaeger) is not { } program)
            {
                return null;
            }
            // Every port is one Aspire allocated, handed over through the variables the config file reads.
            return builder.AddExecutable(name, program, infra.DataDirectory, "--config", config)
                .WithHttpEndpoint(port: uiPort, name: "http", env: "JAEGER_UI_PORT")
                .WithHttpEndpoint(name: OtlpGrpcEndpointName, env: "JAEGER_OTLP_GRPC_PORT")
                .WithHttpEndpoint(name: "otlp-http", env: "JAEGER_OTLP_HTTP_PORT")
                .WithEndpoint(name: "query-grpc", scheme: "tcp", env: "JAEGER_QUERY_GRPC_PORT")
                .WithEnvironment("JAEGER_LISTEN_HOST", "127.0.0.1")
                .WithHttpHealthCheck("/", endpointName: "http");
        }
        return builder.AddContainer(name, Image, ImageTag)
            .WithBindMount(config, ContainerConfigFile, isReadOnly: true)
            .WithArgs("--config", ContainerConfigFile)
            .WithHttpEndpoint(port: uiPort, targetPort: 16686, name: "http")
            .WithHttpEndpoint(targetPort: 4317, name: OtlpGrpcEndpointName)
            .WithHttpEndpoint(targetPort: 4318, name: "otlp-http")
            .WithHttpHealthCheck("/", endpointName: "http");
    }

    /// <summary>
    /// The services send their traces to Jaeger (OTLP over gRPC) through the OpenTelemetry SDK's standard
    /// trace-only variables; logs and metrics keep going to the Aspire dashboard.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints> CollectTracesFrom(
        this IResourceBuilder<IResourceWithEndpoints> jaeger, params IResourceBuilder<ProjectResource>[] services)
    {
        var otlp = jaeger.GetEndpoint(OtlpGrpcEndpointName);
        foreach (var service in services)
        {
            service
                .WithEnvironment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", otlp)
                .WithEnvironment("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc");
        }
        return jaeger;
    }
}
