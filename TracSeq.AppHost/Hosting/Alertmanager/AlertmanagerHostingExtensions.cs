using System.Text.RegularExpressions;

namespace TracSeq.AppHost.Hosting.Alertmanager;

/// <summary>
/// Alertmanager as a local executable (Debian's <c>prometheus-alertmanager</c>) or as the official image. Its
/// configuration is the plain file <c>monitoring/alertmanager/alertmanager.yml</c>, rendered at every start into the
/// data folder with the webhook URL filled in (Alertmanager itself does not expand variables).
/// </summary>
public static partial class AlertmanagerHostingExtensions
{
    public const string Image = "prom/alertmanager";
    public const string ImageTag = "v0.28.1";
    public const string DataVolumeName = "tracseq-alertmanager-data";
    public const string WebhookUrlPlaceholder = "${ALERT_WEBHOOK_URL}";
    private const string ContainerConfigDirectory = "/etc/alertmanager/tracseq";

    public static IResourceBuilder<IResourceWithEndpoints> AddTracSeqAlertmanager(
        this IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra,
        IResourceBuilder<ParameterResource> webhookUrl, int? port = null)
    {
        var template = Path.Combine(infra.MonitoringDirectory, "alertmanager", "alertmanager.yml");
        var configDirectory = Path.Combine(infra.DataDirectory, "alertmanager");
        Directory.CreateDirectory(configDirectory);
        var alertmanager = infra.IsLocal
            ? AddLocalAlertmanager(builder, name, infra, configDirectory, port)
            : AddContainerAlertmanager(builder, name, configDirectory, port);

        var timings = AlertmanagerTimings.From(builder.Configuration);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(alertmanager.Resource, async (_, ct) =>
        {
            var url = await webhookUrl.Resource.GetValueAsync(ct)
                      ?? throw new DistributedApplicationException("The parameter 'alert-webhook-url' has no value.");
            var config = Render(await File.ReadAllTextAsync(template, ct), url, timings);
            await File.WriteAllTextAsync(Path.Combine(configDirectory, "alertmanager.yml"), config, ct);
        });

        return alertmanager.WithHttpHealthCheck("/-/ready");
    }

    private static IResourceBuilder<IResourceWithEndpoints> AddLocalAlertmanager(
        IDistributedApplicationBuilder builder, string name, InfrastructureSettings infra, string configDirectory, int? port) =>
        builder.AddExecutable(name, infra.Programs.Resolve(LocalPrograms.Alertmanager), configDirectory)
            .WithHttpEndpoint(port: port, name: "http")
            .WithLoopbackListenAddress()
            .WithArgs(
                $"--config.file={Path.Combine(configDirectory, "alertmanager.yml")}",
                $"--storage.path={Path.Combine(configDirectory, "data")}",
                // One instance, no gossip: the default cluster port 9094 would clash with a second stack (tests).
                "--cluster.listen-address=");

    private static IResourceBuilder<IResourceWithEndpoints> AddContainerAlertmanager(
        IDistributedApplicationBuilder builder, string name, string configDirectory, int? port) =>
        builder.AddContainer(name, Image, ImageTag)
            .WithHttpEndpoint(port: port, targetPort: 9093, name: "http")
            .WithBindMount(configDirectory, ContainerConfigDirectory, isReadOnly: true)
            .WithVolume(DataVolumeName, "/alertmanager")
            .WithArgs(
                $"--config.file={ContainerConfigDirectory}/alertmanager.yml",
                "--storage.path=/alertmanager",
                "--cluster.listen-address=");

    /// <summary>The shipped configuration with the webhook URL filled in and, where configured, shorter timings.</summary>
    public static string Render(string template, string webhookUrl, AlertmanagerTimings timings)
    {
        if (!Uri.TryCreate(webhookUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new DistributedApplicationException($"The parameter 'alert-webhook-url' must be an http(s) URL, not '{webhookUrl}'.");
        }
        var config = template.Replace(WebhookUrlPlaceholder, webhookUrl, StringComparison.Ordinal);
        if (timings.GroupWait is { } wait)
        {
            config = GroupWaitLine().Replace(config, $"${{indent}}group_wait: {wait}");
        }
        if (timings.GroupInterval is { } interval)
        {
            config = GroupIntervalLine().Replace(config, $"${{indent}}group_interval: {interval}");
        }
        return config;
    }

    [GeneratedRegex(@"^(?<indent>\s*)group_wait:.*$", RegexOptions.Multiline)]
    private static partial Regex GroupWaitLine();

    [GeneratedRegex(@"^(?<indent>\s*)group_interval:.*$", RegexOptions.Multiline)]
    private static partial Regex GroupIntervalLine();
}

/// <summary>
/// Test-only overrides (<c>TracSeq:Alerting:GroupWait</c>, <c>TracSeq:Alerting:GroupInterval</c>, Alertmanager
/// durations such as <c>1s</c>) so an end-to-end test sees a notification, and its resolution, within seconds rather
/// than after the shipped 30 s wait and 5 min group interval. Unset, the shipped file is used as written.
/// </summary>
public sealed record AlertmanagerTimings(string? GroupWait, string? GroupInterval)
{
    public static AlertmanagerTimings From(Microsoft.Extensions.Configuration.IConfiguration config) =>
        new(Duration(config, "TracSeq:Alerting:GroupWait"), Duration(config, "TracSeq:Alerting:GroupInterval"));

    internal static string? Duration(Microsoft.Extensions.Configuration.IConfiguration config, string key) =>
        config[key] switch
        {
            null or "" => null,
            var value when Regex.IsMatch(value, @"\A[0-9]+(ms|s|m|h)\z") => value,
            var value => throw new DistributedApplicationException($"{key} is '{value}'; use a duration such as 1s or 5m."),
        };
}
