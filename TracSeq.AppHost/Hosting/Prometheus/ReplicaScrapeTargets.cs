using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TracSeq.AppHost.Hosting.Prometheus;

/// <summary>
/// Scrape targets for services that run as several replicas (<c>TracSeq:Replicas</c> &gt; 1). Aspire's proxy address
/// would hand each scrape to whichever replica it picks, mixing their counters in one series; Prometheus must scrape
/// every process on its own port instead, each an <c>instance</c>. DCP chooses those ports as each replica starts, so
/// the AppHost follows the replicas' states, rewrites Prometheus' configuration with the running ones and tells it to
/// reload with SIGHUP (its HTTP lifecycle API stays off, so nobody who can reach the port can reload or stop it). Not
/// file discovery: its file watcher needs an inotify instance, which a busy machine may have run out of.
/// </summary>
public sealed class ReplicaScrapeTargets : IResourceAnnotation
{
    private readonly Lock _lock = new();
    // Model name of the service → replica (DCP resource id) → host:port, of the replicas running now.
    private readonly Dictionary<string, SortedDictionary<string, string>> _running = new(StringComparer.Ordinal);

    public static bool IsReplicated(IResource resource) =>
        resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault() is { Replicas: > 1 };

    /// <summary>The running replicas of a replicated target (none yet is an empty list); null when it is not replicated.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Running(PrometheusScrapeTargetAnnotation target)
    {
        if (!IsReplicated(target.Endpoint.Resource))
        {
            return null;
        }
        lock (_lock)
        {
            return _running.TryGetValue(target.Endpoint.Resource.Name, out var replicas) ? [.. replicas] : [];
        }
    }

    /// <summary>
    /// Follows the replicas of every replicated scrape target of <paramref name="prometheus"/>; on a change,
    /// <paramref name="writeConfig"/> rewrites the configuration and Prometheus is told to reload it.
    /// </summary>
    public static void Follow(IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithEndpoints> prometheus,
        string? containerHost, Action writeConfig)
    {
        var targets = new ReplicaScrapeTargets();
        prometheus.WithAnnotation(targets);
        builder.Eventing.Subscribe<BeforeStartEvent>((started, ct) =>
        {
            var services = prometheus.Resource.Annotations.OfType<PrometheusScrapeTargetAnnotation>()
                .Where(t => IsReplicated(t.Endpoint.Resource))
                .Select(t => t.Endpoint.Resource.Name)
                .ToHashSet(StringComparer.Ordinal);
            if (services.Count == 0)
            {
                return Task.CompletedTask;
            }
            var notifications = started.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = started.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ReplicaScrapeTargets>();
            _ = Task.Run(() => targets.WatchAsync(notifications, services, containerHost, writeConfig, prometheus.Resource.Name, logger, stopping), stopping);
            return Task.CompletedTask;
        });
    }

    private async Task WatchAsync(ResourceNotificationService notifications, HashSet<string> services, string? containerHost,
        Action writeConfig, string prometheus, ILogger logger, CancellationToken ct)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(ct))
            {
                if (!services.Contains(update.Resource.Name) || !Apply(update, containerHost))
                {
                    continue;
                }
                writeConfig();
                logger.LogInformation("Prometheus scrapes {Service} at {Replicas}", update.Resource.Name,
                    string.Join(", ", _running[update.Resource.Name].Values));
                await ReloadAsync(notifications, prometheus, logger, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    /// <summary>Records a replica's state; true when the set of running replicas changed.</summary>
    private bool Apply(ResourceEvent update, string? containerHost)
    {
        var address = update.Snapshot.State?.Text == KnownResourceStates.Running ? ListenAddress(update.Snapshot, containerHost) : null;
        lock (_lock)
        {
            if (!_running.TryGetValue(update.Resource.Name, out var replicas))
            {
                _running[update.Resource.Name] = replicas = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }
            if (address is null)
            {
                return replicas.Remove(update.ResourceId);
            }
            if (replicas.TryGetValue(update.ResourceId, out var known) && known == address)
            {
                return false;
            }
            replicas[update.ResourceId] = address;
            return true;
        }
    }

    /// <summary>SIGHUP to the running Prometheus: to its process in local mode, through the container runtime in
    /// container mode. Not running yet is fine: it reads the current configuration when it starts.</summary>
    private static async Task ReloadAsync(ResourceNotificationService notifications, string prometheus, ILogger logger, CancellationToken ct)
    {
        if (!notifications.TryGetCurrentState(prometheus, out var current) || current.Snapshot.State?.Text != KnownResourceStates.Running)
        {
            return;
        }
        if (SignalCommand(current.Snapshot.Properties) is not { } command)
        {
            return;
        }
        var (program, arguments) = command;
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(program, arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                logger.LogWarning("Prometheus not reloaded: {Program} exited {Code}", program, process.ExitCode);
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            logger.LogWarning("Prometheus not reloaded: {Message}", ex.Message);
        }
    }

    /// <summary>How to send SIGHUP: to the process (local mode) or through the container runtime; null when neither is known.</summary>
    private static (string Program, string[] Arguments)? SignalCommand(IEnumerable<ResourcePropertySnapshot> properties)
    {
        var pid = properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
        if (pid is not null)
        {
            return ("kill", ["-HUP", pid]);
        }
        var container = properties.FirstOrDefault(p => p.Name == "container.id")?.Value?.ToString();
        return container is null ? null
            : (Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker", ["kill", "--signal", "HUP", container]);
    }

    /// <summary>The replica's own address for scraping, from the URL DCP gave it to listen on (<c>ASPNETCORE_URLS</c>).</summary>
    public static string? ListenAddress(CustomResourceSnapshot snapshot, string? containerHost)
    {
        var urls = snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
        var http = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => u.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal))
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(u => u is not null && u.Scheme == Uri.UriSchemeHttp && u.Port > 0);
        // A service with a private metrics endpoint (the gateway) serves /metrics only on that port.
        var metricsPort = snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "TracSeq__MetricsPort")?.Value;
        var port = int.TryParse(metricsPort, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : http?.Port;
        return http is null ? null : $"{containerHost ?? http.Host}:{port}";
    }
}
