using System.Collections.Concurrent;
using TracSeq.AppHost.Hosting.Prometheus;
using TracSeq.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TracSeq.Tests.ScaleOut;

/// <summary>One running process of a service: its DCP resource id, its own address (not the proxy's) and its pid.</summary>
public sealed record Replica(string Service, string ResourceId, Uri Address, int? ProcessId);

/// <summary>
/// The AppHost with <c>TracSeq:Replicas=2</c>: two processes of every service behind Aspire's proxies. The gateway's
/// per-user limit is lowered so that "one limit, not one per replica" takes a few dozen requests to show.
/// </summary>
public sealed class ReplicatedAppHostFixture(IMessageSink diagnostics)
    : AppHostFixture(diagnostics, replicas: 2, settings: [$"--TracSeq:Services:gateway:Gateway:RateLimits:PerUserPerMinute={PerUserPerMinute}"])
{
    public const int PerUserPerMinute = 40;

    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopWatching = new();
    private Task? _watcher;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in App.ResourceNotifications.WatchAsync(_stopWatching.Token))
                {
                    _latest[update.ResourceId] = update;
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
        foreach (var service in Services)
        {
            await RunningReplicasAsync(service, Replicas, TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>The replicas of <paramref name="service"/> that are running and healthy, once there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<Replica>> RunningReplicasAsync(string service, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var running = _latest.Values
                .Where(e => e.Resource.Name == service && e.Snapshot.State?.Text == KnownResourceStates.Running
                            && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                .Select(e => (e, address: ReplicaScrapeTargets.ListenAddress(e.Snapshot, containerHost: null)))
                .Where(r => r.address is not null)
                .Select(r => new Replica(service, r.e.ResourceId, new Uri($"http://{r.address}"), ProcessId(r.e.Snapshot)))
                .OrderBy(r => r.ResourceId, StringComparer.Ordinal)
                .ToList();
            // DCP reports a killed process a moment later: only replicas that answer count.
            if (running.Count == count && (await Task.WhenAll(running.Select(AnswersAsync))).All(answers => answers))
            {
                return running;
            }
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"{service}: {running.Count} healthy replicas running, expected {count}.");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until DCP no longer reports <paramref name="replica"/> as running (after its process died).</summary>
    public async Task WaitUntilNotRunningAsync(Replica replica, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (_latest.TryGetValue(replica.ResourceId, out var latest) && latest.Snapshot.State?.Text == KnownResourceStates.Running)
        {
            await Task.Delay(250, cts.Token);
        }
    }

    private static async Task<bool> AnswersAsync(Replica replica)
    {
        using var client = ClientFor(replica);
        client.Timeout = TimeSpan.FromSeconds(5);
        try
        {
            return (await client.GetAsync("/alive")).IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<Replica>> ReplicasAsync(string service) => RunningReplicasAsync(service, Replicas, TimeSpan.FromMinutes(2));

    /// <summary>A client for one replica's own port, bypassing the proxy.</summary>
    public static HttpClient ClientFor(Replica replica, string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = replica.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }
        return client;
    }

    /// <summary>Runs a resource command (start, stop) on one replica.</summary>
    public async Task RunReplicaCommandAsync(Replica replica, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await App.ResourceCommands.ExecuteCommandAsync(replica.ResourceId, command, timeout.Token);
        result.Success.ShouldBeTrue($"{command} {replica.ResourceId}: {result.Message}");
    }

    public override async Task DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        if (_watcher is not null)
        {
            await _watcher;
        }
        _stopWatching.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ReplicatedAppHostCollection : ICollectionFixture<ReplicatedAppHostFixture>
{
    public const string Name = "TracSeq AppHost, two replicas";
}
