using System.Globalization;
using System.Text;

namespace TracSeq.AppHost.Hosting.Prometheus;

/// <summary>A Prometheus job: the endpoint it scrapes and the path of the metrics there.</summary>
public sealed record PrometheusScrapeTargetAnnotation(string Job, EndpointReference Endpoint, string MetricsPath) : IResourceAnnotation;

/// <summary>The Alertmanager that Prometheus sends its firing and resolved alerts to.</summary>
public sealed record PrometheusAlertmanagerAnnotation(EndpointReference Endpoint) : IResourceAnnotation;

/// <summary>
/// Prometheus as a local executable (Debian's <c>prometheus</c>) or as the official container image. Its configuration
/// is generated just before start from the endpoints Aspire allocated; alert rules are the plain files in
/// <c>monitoring/prometheus/rules</c> next to the AppHost. The lifecycle API (<c>/-/reload</c>, <c>/-/quit</c>) stays off:
/// anyone who can reach the port could otherwise stop it; a changed configuration takes effect at the next start.
/// </summary>
public static class PrometheusHostingExtensions
{
    public const string Image = "prom/prometheus";
    public const string ImageTag = "v3.5.0";
    public const string DataVolumeName = "tracseq-prometheus-data";
    private const string ContainerConfigDirectory = "/etc/prometheus/tracseq";
    private const string ContainerRulesDirectory = "/etc/prometheus/rules";
    private const string ContainerHost = "host.docker.internal";

    public static IResourceBuilder<IResourceWithEndpoints> AddTracSeqPrometheus(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, int? port = null)
    {
        var configDirectory = Path.Combine(infra.DataDirectory, "prometheus");
        Directory.CreateDirectory(configDirectory);
        var rulesDirectory = OutageAlertRules.Prepare(builder.Configuration, Path.Combine(infra.MonitoringDirectory, "prometheus", "rules"), configDirectory);
        var prometheus = infra.IsLocal
            ? AddLocalPrometheus(builder, name, infra, configDirectory, port)
            : AddContainerPrometheus(builder, name, configDirectory, rulesDirectory, port);
        WriteConfigAtStart(builder, prometheus, infra, configDirectory, infra.IsLocal ? rulesDirectory : ContainerRulesDirectory);
        return prometheus.WithHttpHealthCheck("/-/ready");
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddLocalPrometheus(
        IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, string configDirectory, int? port) =>
        builder.AddExecutable(name, infra.Programs.Resolve(LocalPrograms.Prometheus), configDirectory)
            .WithHttpEndpoint(port: port, name: "http")
            .WithLoopbackListenAddress()
            .WithArgs(
                $"--config.file={Path.Combine(configDirectory, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(configDirectory, "data")}",
                "--storage.tsdb.retention.time=30d");

    private static IResourceBuilder<IResourceWithEndpoints> AddContainerPrometheus(
        IDistributedApplicationBuilder builder, string name, string configDirectory, string rulesDirectory, int? port) =>
        builder.AddContainer(name, Image, ImageTag)
            .WithHttpEndpoint(port: port, targetPort: 9090, name: "http")
            .WithBindMount(configDirectory, ContainerConfigDirectory, isReadOnly: true)
            .WithBindMount(rulesDirectory, ContainerRulesDirectory, isReadOnly: true)
            .WithVolume(DataVolumeName, "/prometheus")
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WithArgs(
                $"--config.file={ContainerConfigDirectory}/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=30d");

    /// <summary>prometheus.yml, written before Prometheus starts and again whenever the replicas it scrapes come or go.</summary>
    private static void WriteConfigAtStart(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithEndpoints> prometheus,
        InfrastructureSettings infra, string configDirectory, string rules)
    {
        var configFile = Path.Combine(configDirectory, "prometheus.yml");
        var writing = new Lock(); // the start and the replica follower may both write it
        void WriteConfig()
        {
            lock (writing)
            {
                File.WriteAllText(configFile, RenderConfig(prometheus.Resource, infra, rules));
            }
        }
        ReplicaScrapeTargets.Follow(builder, prometheus, infra.IsLocal ? null : ContainerHost, WriteConfig);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus.Resource, (_, _) =>
        {
            WriteConfig();
            return Task.CompletedTask;
        });
    }

    /// <summary>Scrape <paramref name="target"/>'s <c>/metrics</c> on its "http" endpoint as job <paramref name="job"/>.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> WithScrapeTarget(
        this IResourceBuilder<IResourceWithEndpoints> prometheus, string job, IResourceBuilder<IResourceWithEndpoints> target,
        string endpointName = "http", string metricsPath = "/metrics") =>
        prometheus.WithAnnotation(new PrometheusScrapeTargetAnnotation(job, target.GetEndpoint(endpointName), metricsPath));

    /// <summary>Send alerts to <paramref name="alertmanager"/> and scrape its own metrics as job <c>alertmanager</c>.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> WithAlertmanager(
        this IResourceBuilder<IResourceWithEndpoints> prometheus, IResourceBuilder<IResourceWithEndpoints> alertmanager) =>
        prometheus.WithAnnotation(new PrometheusAlertmanagerAnnotation(alertmanager.GetEndpoint("http")))
            .WithScrapeTarget("alertmanager", alertmanager);

    internal static string RenderConfig(IResource prometheus, InfrastructureSettings infra, string rulesDirectory)
    {
        var interval = $"{(int)infra.ScrapeInterval.TotalSeconds}s";
        var self = infra.IsLocal
            ? $"localhost:{((IResourceWithEndpoints)prometheus).GetEndpoint("http").Port}"
            : "localhost:9090";

        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"""
            # Generated by the TracSeq AppHost at every start from the endpoints Aspire allocated; edits are lost.
            global:
              scrape_interval: {interval}
              evaluation_interval: {interval}
              external_labels:
                system: tracseq
            rule_files:
              - "{rulesDirectory}/*.yml"
            """);
        AppendAlerting(yaml, prometheus, infra);
        yaml.AppendLine("scrape_configs:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"""
              - job_name: prometheus
                static_configs:
                  - targets: ["{self}"]
            """);
        foreach (var target in prometheus.Annotations.OfType<PrometheusScrapeTargetAnnotation>())
        {
            AppendScrapeJob(yaml, prometheus, target, infra);
        }
        return yaml.ToString();
    }

    private static void AppendAlerting(StringBuilder yaml, IResource prometheus, InfrastructureSettings infra)
    {
        var alertmanagers = prometheus.Annotations.OfType<PrometheusAlertmanagerAnnotation>().ToList();
        if (alertmanagers.Count == 0)
        {
            return;
        }
        yaml.AppendLine("""
            alerting:
              alertmanagers:
                - static_configs:
            """);
        foreach (var alertmanager in alertmanagers)
        {
            var host = infra.IsLocal ? alertmanager.Endpoint.Host : ContainerHost;
            yaml.AppendLine(CultureInfo.InvariantCulture, $"""
                        - targets: ["{host}:{alertmanager.Endpoint.Port}"]
                """);
        }
    }

    private static void AppendScrapeJob(StringBuilder yaml, IResource prometheus, PrometheusScrapeTargetAnnotation target, InfrastructureSettings infra)
    {
        if (prometheus.Annotations.OfType<ReplicaScrapeTargets>().SingleOrDefault()?.Running(target) is { } replicas)
        {
            // Every replica on its own port, each an instance; rewritten (and Prometheus reloaded) as they come and go.
            yaml.AppendLine(CultureInfo.InvariantCulture, $"""
                  - job_name: {target.Job}
                    metrics_path: {target.MetricsPath}
                    static_configs:{(replicas.Count == 0 ? " []" : "")}
                """);
            foreach (var (replica, address) in replicas)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"""
                          - targets: ["{address}"]
                            labels:
                              replica: {replica}
                    """);
            }
            return;
        }
        var host = infra.IsLocal ? target.Endpoint.Host : ContainerHost;
        yaml.AppendLine(CultureInfo.InvariantCulture, $"""
              - job_name: {target.Job}
                metrics_path: {target.MetricsPath}
                static_configs:
                  - targets: ["{host}:{target.Endpoint.Port}"]
            """);
    }
}
