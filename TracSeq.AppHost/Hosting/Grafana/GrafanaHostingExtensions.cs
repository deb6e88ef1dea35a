namespace TracSeq.AppHost.Hosting.Grafana;

/// <summary>
/// Grafana with the data sources and dashboards provisioned from the plain files in <c>monitoring/grafana</c>
/// (the files read the Prometheus and Jaeger addresses from variables the AppHost sets). Container mode always runs
/// it; local mode only where <c>grafana</c> or <c>grafana-server</c> is installed (it is not a Debian package).
/// </summary>
public static class GrafanaHostingExtensions
{
    public const string Image = "grafana/grafana";
    public const string ImageTag = "12.1.0";
    public const string DataVolumeName = "tracseq-grafana-data";
    public const string AdminUser = "admin";
    public const string HomeDashboard = "tracseq-overview.json";
    private const string ContainerProvisioningDirectory = "/etc/grafana/provisioning";
    private const string ContainerDashboardsDirectory = "/etc/grafana/dashboards";

    /// <returns>The Grafana resource, or null in local mode when Grafana is not installed.</returns>
    public static IResourceBuilder<IResourceWithEndpoints>? AddTracSeqGrafana(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra,
        IResourceBuilder<IResourceWithEndpoints> prometheus, IResourceBuilder<IResourceWithEndpoints>? jaeger, int? port = null)
    {
        var provisioning = Path.Combine(infra.MonitoringDirectory, "grafana", "provisioning");
        var dashboards = Path.Combine(infra.MonitoringDirectory, "grafana", "dashboards");

        // Generated on the first run and kept in the AppHost's user secrets; Grafana applies it when it creates its
        // database, so it stays the admin password for the life of the data volume.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-admin-password");

        if (infra.IsLocal)
        {
            if (builder.FindOptionalProgram(infra, "Grafana", LocalPrograms.Grafana, LocalPrograms.GrafanaServer) is not { } program)
            {
                return null;
            }
            var dataDirectory = Path.Combine(infra.DataDirectory, "grafana");
            // The current binary is `grafana server`, the older one `grafana-server`; both need the folder that
            // holds conf/defaults.ini: beside a tarball's bin/, or where the vendor package puts it.
            string[] command = Path.GetFileName(program) == LocalPrograms.Grafana.Name ? ["server"] : [];
            return builder.AddExecutable(name, program, infra.DataDirectory, [.. command, "--homepath", HomePath(program)])
                .WithHttpEndpoint(port: port, name: "http", env: "GF_SERVER_HTTP_PORT")
                .WithEnvironment("GF_SERVER_HTTP_ADDR", "127.0.0.1")
                .WithEnvironment("GF_PATHS_PROVISIONING", provisioning)
                .WithEnvironment("GF_PATHS_DATA", dataDirectory)
                .WithEnvironment("GF_PATHS_LOGS", Path.Combine(dataDirectory, "log"))
                .WithEnvironment("GF_PATHS_PLUGINS", Path.Combine(dataDirectory, "plugins"))
                .WithTracSeqSettings(password, dashboards, prometheus, jaeger);
        }
        return builder.AddContainer(name, Image, ImageTag)
            .WithHttpEndpoint(port: port, targetPort: 3000, name: "http")
            .WithBindMount(provisioning, ContainerProvisioningDirectory, isReadOnly: true)
            .WithBindMount(dashboards, ContainerDashboardsDirectory, isReadOnly: true)
            .WithVolume(DataVolumeName, "/var/lib/grafana")
            .WithTracSeqSettings(password, ContainerDashboardsDirectory, prometheus, jaeger);
    }

    private static IResourceBuilder<T> WithTracSeqSettings<T>(this IResourceBuilder<T> grafana, ParameterResource password,
        string dashboardsSeenByGrafana, IResourceBuilder<IResourceWithEndpoints> prometheus, IResourceBuilder<IResourceWithEndpoints>? jaeger)
        where T : IResourceWithEnvironment, IResourceWithEndpoints, IResourceWithWaitSupport =>
        grafana
            .WithEnvironment("GF_SECURITY_ADMIN_USER", AdminUser)
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", password)
            .WithEnvironment("GF_AUTH_ANONYMOUS_ENABLED", "false")
            .WithEnvironment("GF_ANALYTICS_REPORTING_ENABLED", "false")
            .WithEnvironment("GF_ANALYTICS_CHECK_FOR_UPDATES", "false")
            .WithEnvironment("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", $"{dashboardsSeenByGrafana}/{HomeDashboard}")
            .WithEnvironment("TRACSEQ_DASHBOARDS_DIR", dashboardsSeenByGrafana)
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
            .WithEnvironment(context =>
            {
                // Without Jaeger the data source stays, pointing nowhere: the dashboards do not depend on it.
                context.EnvironmentVariables["JAEGER_URL"] = jaeger is null ? "" : jaeger.GetEndpoint("http");
            })
            .WithHttpHealthCheck("/api/health")
            .WaitFor(prometheus);

    private static string HomePath(string program)
    {
        var beside = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(program)!, ".."));
        return File.Exists(Path.Combine(beside, "conf", "defaults.ini")) ? beside : "/usr/share/grafana";
    }
}
