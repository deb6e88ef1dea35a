using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TracSeq.Tests.Infrastructure;

/// <summary>
/// The whole TracSeq AppHost, started once per test collection in local mode (real PostgreSQL, Redis and
/// Prometheus as executables) with its data in a fresh temporary folder, so tests can run beside a dev instance.
/// A derived fixture may run every service as several replicas and pass further AppHost settings.
/// </summary>
public class AppHostFixture : IAsyncLifetime
{
    private readonly IMessageSink diagnostics;
    private readonly IReadOnlyList<string> settings;

    // xunit builds a collection fixture with its one public constructor.
    public AppHostFixture(IMessageSink diagnostics) : this(diagnostics, replicas: 1, settings: [])
    {
    }

    protected AppHostFixture(IMessageSink diagnostics, int replicas, IReadOnlyList<string> settings)
    {
        this.diagnostics = diagnostics;
        this.settings = settings;
        Replicas = replicas;
    }

    /// <summary>Processes per service (<c>TracSeq:Replicas</c>).</summary>
    public int Replicas { get; }

    public static readonly string[] Services = ["auth", "samples", "templates", "sequencing", "gateway", "web"];
    public static readonly string[] Infrastructure =
    [
        "postgres", "authdb", "samplesdb", "templatesdb", "sequencingdb", "cache",
        "prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter",
    ];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(9);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"tracseq-tests-{Guid.NewGuid():N}"[..22]);

    public TimeSpan StartDuration { get; private set; }

    /// <summary>
    /// Alerts pending or firing once the freshly started stack has settled, before any test ran: tests provoke alerts
    /// on purpose (stopped services, failed sign-ins), so "nothing fires on an idle stack" is judged here.
    /// </summary>
    public IReadOnlyList<string> IdleAlerts { get; private set; } = [];

    public string AdminEmail { get; } = "admin@tracseq.local";

    public static readonly TimeSpan TemplatesRouteTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The secret AppHost parameter <c>admin-password</c>, chosen afresh for every test run.</summary>
    public string AdminPassword { get; } = $"Adm1n-{Guid.NewGuid():N}";

    /// <summary>Where this AppHost's Alertmanager sends notifications.</summary>
    public AlertWebhookReceiver AlertReceiver { get; } = new();

    public virtual async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(StartTimeout * Replicas); // every replica is another process to start
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
        [
            "--TracSeq:Infrastructure=local",
            $"--TracSeq:DataDirectory={DataDirectory}",
            "--TracSeq:DurableStorage=false",
            // The tests play many people from one machine: Auth (called directly) and the web front end believe the
            // X-Forwarded-For the tests send from loopback, so per-address sign-in limits count each test apart. The
            // product believes no proxy unless configured (ForwardedHeaders); the gateway's tests keep that.
            "--TracSeq:Services:auth:ForwardedHeaders:TrustLoopback=true",
            "--TracSeq:Services:web:ForwardedHeaders:TrustLoopback=true",
            "--TracSeq:ScrapeIntervalSeconds=2",
            $"--Parameters:admin-password={AdminPassword}",
            // A short route timeout, so "a stopped service answers 503 within the route's timeout" is quick to check.
            $"--TracSeq:Services:gateway:ReverseProxy:Clusters:templates:HttpRequest:ActivityTimeout={TemplatesRouteTimeout}",
            $"--Parameters:alert-webhook-url={AlertReceiver.Url}",
            // Notifications within seconds of an alert firing or resolving, instead of the shipped 10 s / 5 min.
            "--TracSeq:Alerting:GroupWait=1s",
            "--TracSeq:Alerting:GroupInterval=2s",
            $"--TracSeq:Replicas={Replicas}",
            // Webhook retries within seconds (shipped: 5 s, 30 s, 2 min … 24 h), so a retried delivery is quick to see.
            "--TracSeq:Services:samples:TracSeq:Webhooks:RetrySchedule=00:00:01,00:00:01,00:00:02",
            .. settings,
        ], timeout.Token);

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        foreach (var resource in Infrastructure.Concat(Services))
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        StartDuration = stopwatch.Elapsed;
        IdleAlerts = await AlertsOnTheIdleStackAsync(timeout.Token);
        diagnostics.OnMessage(new DiagnosticMessage($"TracSeq AppHost healthy in {StartDuration.TotalSeconds:F1} s"));
    }

    public HttpClient CreateClient(string resource) => App.CreateHttpClient(resource, "http");

    private async Task<IReadOnlyList<string>> AlertsOnTheIdleStackAsync(CancellationToken ct)
    {
        using var prometheus = CreateClient("prometheus");
        // Every target scraped at least once, then a few rule evaluations (every 2 s here).
        while (true)
        {
            using var targets = System.Text.Json.JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/targets?state=active", ct));
            var active = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
            // The exporters, Prometheus and Alertmanager, and every replica of every service.
            if (active.Count >= 5 + Services.Length * Replicas && active.All(t => t.GetProperty("health").GetString() == "up"))
            {
                break;
            }
            await Task.Delay(500, ct);
        }
        await Task.Delay(TimeSpan.FromSeconds(6), ct);
        using var alerts = System.Text.Json.JsonDocument.Parse(await prometheus.GetStringAsync("/api/v1/alerts", ct));
        return [.. alerts.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => $"{a.GetProperty("labels").GetProperty("alertname").GetString()} ({a.GetProperty("state").GetString()})")];
    }

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    /// <summary>Waits until a line of <paramref name="resource"/>'s console log contains <paramref name="text"/>.</summary>
    /// <remarks>
    /// The first watch of a resource's log makes DCP stream its whole backlog, which on a busy 2-core machine has taken
    /// longer than 15 s; callers give a generous timeout because the wait ends as soon as the line is there.
    /// </remarks>
    public async Task<string> WaitForLogLineAsync(string resource, string text, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        // Logs are kept per running instance (DCP's resource id), not per model name.
        App.ResourceNotifications.TryGetCurrentState(resource, out var current).ShouldBeTrue(resource);
        try
        {
            await foreach (var batch in logs.WatchAsync(current!.ResourceId).WithCancellation(cts.Token))
            {
                var found = batch.Select(line => line.Content).FirstOrDefault(content => content.Contains(text, StringComparison.Ordinal));
                if (found is not null)
                {
                    return found;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No log line of '{resource}' contained '{text}' within {timeout}.");
        }
        throw new InvalidOperationException($"The log stream of '{resource}' ended.");
    }

    /// <summary>Every console line <paramref name="resource"/> has written so far.</summary>
    public async Task<IReadOnlyList<string>> ReadLogsAsync(string resource)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        App.ResourceNotifications.TryGetCurrentState(resource, out var current).ShouldBeTrue(resource);
        var lines = new List<string>();
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            await foreach (var batch in logs.WatchAsync(current!.ResourceId).WithCancellation(cts.Token))
            {
                lock (lines)
                {
                    lines.AddRange(batch.Select(l => l.Content));
                }
            }
        });
        // The backlog arrives at once; stop once nothing new has come for a moment.
        var seen = -1;
        while (true)
        {
            await Task.Delay(500);
            lock (lines)
            {
                if (lines.Count == seen)
                {
                    break;
                }
                seen = lines.Count;
            }
        }
        await cts.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default);
        lock (lines)
        {
            return [.. lines];
        }
    }

    /// <summary>The operating-system process DCP runs for a resource (local mode), or null if it reports none.</summary>
    public static int? ProcessId(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, out var pid) => pid,
            _ => null,
        };

    public Task StopResourceAsync(string resource) => RunCommandAsync(resource, KnownResourceCommands.StopCommand);

    /// <summary>Starts a stopped resource and waits until everything is serving again, as other tests expect.</summary>
    public async Task StartResourceAsync(string resource)
    {
        await RunCommandAsync(resource, KnownResourceCommands.StartCommand);
        await WaitUntilServingAsync(resource);
    }

    /// <summary>
    /// Starts a resource whose process was killed behind DCP's back: once DCP has seen the process gone (a terminal
    /// state; Restart would fail to stop it first), Start brings a new one, then everything is serving again.
    /// </summary>
    public async Task StartAfterKillAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        await StartResourceAsync(resource);
    }

    /// <summary>
    /// Stops a resource, starts it again and waits until everything is serving. Not DCP's restart command: right after
    /// it the health wait can still see the old process's exit and give up as if the new one had failed to start.
    /// </summary>
    public async Task RestartAsync(string resource)
    {
        await StopResourceAsync(resource);
        await StartAfterKillAsync(resource); // once DCP has seen it stopped
    }

    private async Task RunCommandAsync(string resource, string command)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, timeout.Token);
        result.Success.ShouldBeTrue($"{command} {resource}: {result.Message}");
    }

    private async Task WaitUntilServingAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
        catch (DistributedApplicationException e)
        {
            // It exited while starting: say what it logged last, which is why.
            throw new InvalidOperationException($"{e.Message}\n{string.Join("\n", (await ReadLogsAsync(resource)).TakeLast(40))}", e);
        }
        // Aspire polls health every few seconds, so an outage shorter than that leaves "healthy" stale. Ask every
        // service itself: its /health pings PostgreSQL and Redis, which also makes a client with a dead socket reconnect.
        foreach (var service in Services)
        {
            using var client = CreateClient(service);
            while ((await client.GetAsync("/health", timeout.Token)).StatusCode != System.Net.HttpStatusCode.OK)
            {
                await Task.Delay(250, timeout.Token);
            }
        }
        // The gateway takes a service back after its next successful /alive probe (every 2 s): wait for every one, since
        // a test may have started another service without waiting (one it restarted while this one was down).
        using var gateway = CreateClient("gateway");
        foreach (var service in new[] { "auth", "samples", "templates", "sequencing" })
        {
            while ((await gateway.GetAsync($"/openapi/{service}.json", timeout.Token)).StatusCode != System.Net.HttpStatusCode.OK)
            {
                await Task.Delay(250, timeout.Token);
            }
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await AlertReceiver.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing its files; the folder is in the temp directory and harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Not root: PostgreSQL's files belong to the postgres user.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>, ICollectionFixture<Web.BrowserFixture>
{
    public const string Name = "TracSeq AppHost";
}
