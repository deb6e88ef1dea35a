using TracSeq.AppHost.Hosting.Postgres;
using TracSeq.AppHost.Hosting.Redis;

namespace TracSeq.AppHost.Hosting.Exporters;

/// <summary>
/// The Prometheus exporters for the host, PostgreSQL and Redis: Debian's packages in local mode, the projects'
/// official images in container mode. Each serves <c>/metrics</c> on its "http" endpoint.
/// </summary>
public static class ExporterHostingExtensions
{
    public const string NodeExporterImage = "prom/node-exporter";
    public const string NodeExporterImageTag = "v1.9.1";
    public const string PostgresExporterImage = "quay.io/prometheuscommunity/postgres-exporter";
    public const string PostgresExporterImageTag = "v0.17.1";
    public const string RedisExporterImage = "oliver006/redis_exporter";
    public const string RedisExporterImageTag = "v1.74.0";

    /// <summary>Host CPU, memory, disk and network figures.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddTracSeqNodeExporter(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, int? port = null)
    {
        if (infra.IsLocal)
        {
            // Debian's build turns the systemd collector on; without systemd running (containers, CI) it logs an
            // error at every scrape.
            return builder.AddLocalExporter(name, infra, LocalPrograms.NodeExporter, port).WithArgs("--no-collector.systemd");
        }
        // The exporter reads the host's /proc, /sys and mounts, not the container's own.
        return builder.AddExporterContainer(name, NodeExporterImage, NodeExporterImageTag, 9100, port)
            .WithBindMount("/", "/host", isReadOnly: true)
            .WithContainerRuntimeArgs("--pid=host")
            .WithArgs("--path.rootfs=/host");
    }

    /// <summary>Connections, locks, transactions and settings of <paramref name="postgres"/>, as <c>tracseq_monitor</c> (pg_monitor).</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddTracSeqPostgresExporter(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, PostgresServer postgres, int? port = null)
    {
        var serverUri = postgres.Server.Resource switch
        {
            LocalPostgresServerResource local => local.UriExpression,
            PostgresServerResource container when container.Annotations.OfType<PostgresMonitorAnnotation>().SingleOrDefault() is { } monitor =>
                ReferenceExpression.Create(
                    $"postgresql://{PostgresRoles.MonitorRole}:{monitor.Password:uri}" +
                    $"@{container.PrimaryEndpoint.Property(EndpointProperty.Host)}:{container.PrimaryEndpoint.Property(EndpointProperty.Port)}"),
            var other => throw new InvalidOperationException($"No PostgreSQL URI for resource type {other.GetType().Name}."),
        };
        return infra.IsLocal
            ? Connect(builder.AddLocalExporter(name, infra, LocalPrograms.PostgresExporter, port))
            : Connect(builder.AddExporterContainer(name, PostgresExporterImage, PostgresExporterImageTag, 9187, port));

        IResourceBuilder<T> Connect<T>(IResourceBuilder<T> exporter) where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
            exporter
                // connect_timeout: see ExporterConnectTimeout.
                .WithEnvironment(
                    "DATA_SOURCE_NAME",
                    ReferenceExpression.Create($"{serverUri}/postgres?sslmode=disable&connect_timeout={ExporterConnectTimeoutSeconds}"))
                .WaitFor(postgres.Server);
    }

    /// <summary>
    /// How long an exporter waits for its database before it answers the scrape with <c>redis_up 0</c> /
    /// <c>pg_up 0</c>. It must be well under Prometheus's scrape timeout (2 s in the tests' 2 s interval, 10 s as
    /// shipped): with the exporters' defaults (15 s, or no limit at all) a database that does not answer, or a proxy in
    /// front of a stopped one, made the scrape itself time out, the <c>*_up</c> series went stale instead of 0, and
    /// RedisDown and PostgresDown never fired. The fault suite (TracSeq.Tests/Faults) found it.
    /// </summary>
    public const string ExporterConnectTimeoutSeconds = "1";

    /// <summary>Memory, clients, keys and command figures of <paramref name="cache"/>.</summary>
    public static IResourceBuilder<IResourceWithEndpoints> AddTracSeqRedisExporter(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra,
        IResourceBuilder<IResourceWithConnectionString> cache, int? port = null)
    {
        var (endpoint, password) = cache.Resource switch
        {
            LocalRedisResource local => (local.PrimaryEndpoint, local.PasswordParameter),
            RedisResource container => (container.PrimaryEndpoint, container.PasswordParameter),
            var other => throw new InvalidOperationException($"No Redis endpoint for resource type {other.GetType().Name}."),
        };
        return infra.IsLocal
            ? Connect(builder.AddLocalExporter(name, infra, LocalPrograms.RedisExporter, port))
            : Connect(builder.AddExporterContainer(name, RedisExporterImage, RedisExporterImageTag, 9121, port));

        IResourceBuilder<T> Connect<T>(IResourceBuilder<T> exporter) where T : IResourceWithEnvironment, IResourceWithWaitSupport
        {
            exporter.WithEnvironment("REDIS_ADDR", ReferenceExpression.Create($"redis://{endpoint.Property(EndpointProperty.HostAndPort)}"));
            exporter.WithEnvironment("REDIS_EXPORTER_CONNECTION_TIMEOUT", $"{ExporterConnectTimeoutSeconds}s"); // see ExporterConnectTimeoutSeconds
            if (password is not null)
            {
                exporter.WithEnvironment("REDIS_PASSWORD", password);
            }
            return exporter.WaitFor(cache);
        }
    }

    private static IResourceBuilder<ExecutableResource> AddLocalExporter(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, LocalProgram program, int? port) =>
        builder.AddExecutable(name, infra.Programs.Resolve(program), infra.DataDirectory)
            .WithHttpEndpoint(port: port, name: "http")
            .WithLoopbackListenAddress()
            .WithHttpHealthCheck("/metrics");

    private static IResourceBuilder<ContainerResource> AddExporterContainer(
        this IDistributedApplicationBuilder builder, string name, string image, string tag, int targetPort, int? port) =>
        builder.AddContainer(name, image, tag)
            .WithHttpEndpoint(port: port, targetPort: targetPort, name: "http")
            .WithHttpHealthCheck("/metrics");
}
