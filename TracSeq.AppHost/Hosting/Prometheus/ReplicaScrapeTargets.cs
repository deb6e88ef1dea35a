using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TracSeq.AppHost.Hosting.Prometheus;

/// <summary>
/// Scrape targets for services that run as several replicas (<c>TracSeq:Replicas</c> &gt; 1). Aspire's proxy address
/// would hand each scrape to whichever replica it picks, mixing their counters in one series; Prometheus must scrape
/// every process on its own port instead, each an <c>instance</c>. The ports are chosen by DCP when each replica
/// starts, so the AppHost follows the replicas' states and writes them into a file Prometheus watches
/// (<c>file_sd_configs</c>), one per job, rewritten when a replica starts, stops or is restarted.
/// </summary>
public static class ReplicaScrapeTargets
{
    public static bool IsReplicated(IResource resource) =>
        resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault() is { Replicas: > 1 };

    public static string FileFor(string targetsDirectory, string job) => Path.Combine(targetsDirectory, $"{job}.json");

    /// <summary>Starts following the replicas of every replicated scrape target of <paramref name="prometheus"/>.</summary>
    public static void Follow(IDistributedApplicationBuilder builder, IResource prometheus, string targetsDirectory, string? containerHost)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((started, ct) =>
        {
            var jobs = prometheus.Annotations.OfType<PrometheusScrapeTargetAnnotation>()
                .Where(t => IsReplicated(t.Endpoint.Resource))
                .ToDictionary(t => t.Endpoint.Resource.Name, t => t.Job, StringComparer.Ordinal);
            if (jobs.Count == 0)
            {
                return Task.CompletedTask;
            }
            Directory.CreateDirectory(targetsDirectory);
            foreach (var job in jobs.Values)
            {
                Write(targetsDirectory, job, []);
            }
            var notifications = started.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = started.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReplicaScrapeTargets));
            _ = Task.Run(() => WatchAsync(notifications, jobs, targetsDirectory, containerHost, logger, stopping), stopping);
            return Task.CompletedTask;
        });
    }

    private static async Task WatchAsync(ResourceNotificationService notifications, Dictionary<string, string> jobs,
        string targetsDirectory, string? containerHost, ILogger logger, CancellationToken ct)
    {
        // job → replica id → host:port of the replicas running now.
        var running = new ConcurrentDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(ct))
            {
                if (!jobs.TryGetValue(update.Resource.Name, out var job))
                {
                    continue;
                }
                var replicas = running.GetOrAdd(job, _ => new SortedDictionary<string, string>(StringComparer.Ordinal));
                var address = update.Snapshot.State?.Text == KnownResourceStates.Running ? ListenAddress(update.Snapshot, containerHost) : null;
                var changed = address is null
                    ? replicas.Remove(update.ResourceId)
                    : !replicas.TryGetValue(update.ResourceId, out var known) || known != address;
                if (address is not null)
                {
                    replicas[update.ResourceId] = address;
                }
                if (changed)
                {
                    Write(targetsDirectory, job, replicas);
                    logger.LogInformation("Prometheus job {Job} scrapes {Replicas}", job, string.Join(", ", replicas.Values));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    /// <summary>The replica's own port, from the address DCP gave it to listen on (<c>ASPNETCORE_URLS</c>).</summary>
    public static string? ListenAddress(CustomResourceSnapshot snapshot, string? containerHost)
    {
        var urls = snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
        var http = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(u => u is not null && u.Scheme == Uri.UriSchemeHttp && u.Port > 0);
        return http is null ? null : $"{containerHost ?? http.Host}:{http.Port}";
    }

    private static void Write(string targetsDirectory, string job, IEnumerable<KeyValuePair<string, string>> replicas)
    {
        // Prometheus' file discovery: a list of target groups; each replica is its own group so it carries its id.
        var groups = replicas.Select(r => new Dictionary<string, object>
        {
            ["targets"] = new[] { r.Value },
            ["labels"] = new Dictionary<string, string> { ["replica"] = r.Key },
        });
        var file = FileFor(targetsDirectory, job);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(groups));
        File.Move(temporary, file, overwrite: true); // atomically: Prometheus never reads half a file
    }
}
