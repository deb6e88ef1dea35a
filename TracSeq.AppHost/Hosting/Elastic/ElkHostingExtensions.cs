using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.AppHost.Hosting.Elastic;

/// <summary>The opt-in ELK profile: Elasticsearch, Kibana and the collector that ships the services' logs.</summary>
public sealed class ElkStack(
    IResourceBuilder<ContainerResource> elasticsearch,
    IResourceBuilder<ContainerResource> kibana,
    IResourceBuilder<ContainerResource> logShipper)
{
    public IResourceBuilder<ContainerResource> Elasticsearch { get; } = elasticsearch;
    public IResourceBuilder<ContainerResource> Kibana { get; } = kibana;
    public IResourceBuilder<ContainerResource> LogShipper { get; } = logShipper;

    /// <summary>
    /// The services send their OpenTelemetry logs to the shipper (the SDK's standard logs-only variables); their
    /// console logs, JSON with trace ids, stay in the Aspire dashboard as always.
    /// </summary>
    public ElkStack CollectLogsFrom(params IResourceBuilder<ProjectResource>[] services)
    {
        var otlp = LogShipper.GetEndpoint(ElkHostingExtensions.OtlpGrpcEndpointName);
        foreach (var service in services)
        {
            service
                .WithEnvironment("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", otlp)
                .WithEnvironment("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc")
                .WaitFor(LogShipper);
        }
        return this;
    }
}

/// <summary>
/// Elasticsearch and Kibana from Elastic's images with security on (generated passwords, nothing built in), and an
/// OpenTelemetry Collector that writes the services' logs into the <c>tracseq-logs</c> index. Only in container mode
/// and only when <c>TracSeq:Elk</c> is true: Elasticsearch alone wants a gigabyte of memory and refuses to run as
/// root, so a local-executable form would not serve this project's machines.
/// </summary>
public static class ElkHostingExtensions
{
    public const string SettingKey = "TracSeq:Elk";
    public const string ElasticsearchImage = "docker.elastic.co/elasticsearch/elasticsearch";
    public const string KibanaImage = "docker.elastic.co/kibana/kibana";
    public const string ElasticTag = "8.17.0";
    public const string CollectorImage = "otel/opentelemetry-collector-contrib";
    public const string CollectorTag = "0.130.0";
    public const string ElasticsearchDataVolume = "tracseq-elasticsearch-data";
    public const string OtlpGrpcEndpointName = "otlp-grpc";
    private const string CollectorConfigFile = "/etc/otelcol-contrib/tracseq.yaml";

    /// <returns>The stack, or null when the profile is off or the infrastructure runs locally.</returns>
    public static ElkStack? AddTracSeqElk(
        this IDistributedApplicationBuilder builder, InfrastructureSettings infra, int? elasticsearchPort = null, int? kibanaPort = null)
    {
        if (!builder.Configuration.GetValue(SettingKey, false))
        {
            return null;
        }
        if (infra.IsLocal)
        {
            WarnContainerModeOnly(builder);
            return null;
        }

        var elasticPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, "elasticsearch-password", special: false);
        var kibanaPassword = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, "kibana-system-password", special: false);
        var elasticsearch = AddElasticsearch(builder, elasticPassword, kibanaPassword, elasticsearchPort);

        var kibana = builder.AddContainer("kibana", KibanaImage, ElasticTag)
            .WithHttpEndpoint(port: kibanaPort, targetPort: 5601, name: "http")
            .WithEnvironment("ELASTICSEARCH_HOSTS", elasticsearch.GetEndpoint("http"))
            .WithEnvironment("ELASTICSEARCH_USERNAME", "kibana_system")
            .WithEnvironment("ELASTICSEARCH_PASSWORD", kibanaPassword)
            .WithHttpHealthCheck("/api/status")
            .WaitFor(elasticsearch);

        var shipper = builder.AddContainer("log-shipper", CollectorImage, CollectorTag)
            .WithBindMount(Path.Combine(infra.MonitoringDirectory, "otel-collector", "elk-logs.yaml"), CollectorConfigFile, isReadOnly: true)
            .WithArgs($"--config={CollectorConfigFile}")
            .WithHttpEndpoint(targetPort: 4317, name: OtlpGrpcEndpointName)
            .WithEnvironment("ELASTICSEARCH_URL", elasticsearch.GetEndpoint("http"))
            .WithEnvironment("ELASTICSEARCH_PASSWORD", elasticPassword)
            .WaitFor(elasticsearch);

        return new ElkStack(elasticsearch, kibana, shipper);
    }

    private static void WarnContainerModeOnly(IDistributedApplicationBuilder builder) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TracSeq.AppHost").LogWarning(
                "{Setting} is on but the infrastructure runs locally: the ELK profile runs in container mode only " +
                "(TracSeq__Infrastructure=containers).", SettingKey);
            return Task.CompletedTask;
        });

    private static IResourceBuilder<ContainerResource> AddElasticsearch(IDistributedApplicationBuilder builder,
        ParameterResource elasticPassword, ParameterResource kibanaPassword, int? port)
    {
        var elasticsearch = builder.AddContainer("elasticsearch", ElasticsearchImage, ElasticTag)
            .WithHttpEndpoint(port: port, targetPort: 9200, name: "http")
            .WithVolume(ElasticsearchDataVolume, "/usr/share/elasticsearch/data")
            .WithEnvironment("discovery.type", "single-node")
            .WithEnvironment("xpack.security.enabled", "true")
            .WithEnvironment("xpack.security.http.ssl.enabled", "false")
            .WithEnvironment("ES_JAVA_OPTS", "-Xms1g -Xmx1g")
            .WithEnvironment("ELASTIC_PASSWORD", elasticPassword);
        var health = "elasticsearch_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(health, async ct =>
        {
            using var client = await ElasticClientAsync(elasticsearch.Resource, elasticPassword, ct);
            using var response = await client.GetAsync("/_cluster/health", ct);
            return response.IsSuccessStatusCode
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"HTTP {(int)response.StatusCode}");
        });
        // Kibana may not sign in as the `elastic` superuser: it uses the built-in kibana_system user, whose password
        // the AppHost sets once Elasticsearch answers.
        builder.Eventing.Subscribe<ResourceReadyEvent>(elasticsearch.Resource, async (_, ct) =>
        {
            using var client = await ElasticClientAsync(elasticsearch.Resource, elasticPassword, ct);
            using var response = await client.PostAsJsonAsync("/_security/user/kibana_system/_password",
                new { password = await kibanaPassword.GetValueAsync(ct) }, ct);
            response.EnsureSuccessStatusCode();
        });
        return elasticsearch.WithHealthCheck(health);
    }

    private static async Task<HttpClient> ElasticClientAsync(ContainerResource elasticsearch, ParameterResource password, CancellationToken ct)
    {
        var client = new HttpClient { BaseAddress = new Uri(elasticsearch.GetEndpoint("http").Url) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"elastic:{await password.GetValueAsync(ct)}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return client;
    }
}
