using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TracSeq.Benchmarks;

/// <summary>
/// The TracSeq AppHost started in local mode (real PostgreSQL and Redis as local programs) with its data in a fresh
/// temporary folder and random ports, exactly like the test fixture, plus a signed-in client.
/// </summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    public static readonly string[] Services = ["auth", "samples", "templates", "sequencing", "gateway"];

    /// <summary>Every resource the AppHost starts in local mode on this machine (as the test fixture waits for).</summary>
    public static readonly string[] AllResources =
    [
        "postgres", "authdb", "samplesdb", "templatesdb", "sequencingdb", "cache",
        "prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter",
        .. Services,
    ];

    /// <summary>What every benchmark host gets: a load test must not be throttled by the per-user limit (600/min).</summary>
    public static readonly string[] LoadTestSettings =
    [
        "--TracSeq:Services:gateway:Gateway:RateLimits:PerUserPerMinute=100000000",
    ];

    private readonly DistributedApplication _app;
    private readonly string _dataDirectory;
    private readonly string _adminPassword;

    private BenchmarkHost(DistributedApplication app, string dataDirectory, string adminPassword, TimeSpan startDuration)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        _adminPassword = adminPassword;
        StartDuration = startDuration;
    }

    /// <summary>From creating the builder to every resource healthy (fresh data folder: initdb included).</summary>
    public TimeSpan StartDuration { get; }

    public string AccessToken { get; private set; } = "";

    /// <summary>The first lab administrator's password, for signing in through the web front end's form.</summary>
    public string AdminPassword => _adminPassword;

    public static async Task<BenchmarkHost> StartAsync(IEnumerable<string> settings, CancellationToken ct, bool signIn = true)
    {
        var clock = Stopwatch.StartNew();
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"tracseq-bench-{Guid.NewGuid():N}"[..22]);
        var adminPassword = $"Bench-{Guid.NewGuid():N}";
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TracSeq_AppHost>(
        [
            "--TracSeq:Infrastructure=local",
            $"--TracSeq:DataDirectory={dataDirectory}",
            "--TracSeq:DurableStorage=false", // fsync off: measures the code, not this machine's disk
            $"--Parameters:admin-password={adminPassword}",
            .. settings,
        ], ct);
        // The table is the output: resource consoles and per-request client logs would bury it.
        builder.Services.AddLogging(logging => logging
            .AddFilter("TracSeq.AppHost.Resources", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)); // services stopping at the end
        var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        foreach (var resource in AllResources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }
        clock.Stop();

        var host = new BenchmarkHost(app, dataDirectory, adminPassword, clock.Elapsed);
        if (signIn)
        {
            await host.SignInAsync(ct);
            // Every scenario's samples name this project, and a sample may only name one that exists.
            using var admin = host.Client("gateway");
            await Scenarios.CreateSampleScenario.EnsureProjectAsync(admin, ct);
        }
        return host;
    }

    /// <summary>A fresh access token (they live 15 minutes; a full run is longer), straight from Auth.</summary>
    public async Task<string> SignInAsync(CancellationToken ct)
    {
        using var auth = _app.CreateHttpClient("auth", "http");
        using var login = await auth.PostAsJsonAsync("/api/auth/login", new { email = "admin@tracseq.local", password = _adminPassword }, ct);
        login.EnsureSuccessStatusCode();
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct));
        AccessToken = tokens.RootElement.GetProperty("accessToken").GetString()!;
        return AccessToken;
    }

    /// <summary>A client for one service (through Aspire's endpoint), signed in as the first lab administrator.</summary>
    public HttpClient Client(string resource)
    {
        var client = _app.CreateHttpClient(resource, "http");
        client.Timeout = TimeSpan.FromMinutes(2);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        return client;
    }

    /// <summary>
    /// The address Aspire publishes for a service: DCP's proxy in front of the process. This is what other services
    /// are given (the gateway reaches Samples through it) and what port 8000 is.
    /// </summary>
    /// <summary>Signs a request as a TracSeq service would (ServiceSignature) for Samples' <c>/internal/…</c> routes,
    /// with that service's generated key (<c>service-key-{caller}</c>).</summary>
    public async Task SignAsync(HttpRequestMessage request, string caller, CancellationToken ct)
    {
        var parameter = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>().Single(p => p.Name == $"service-key-{caller}");
        var key = (await ((IValueProvider)parameter).GetValueAsync(ct))!;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
        request.Headers.Add(TracSeq.ServiceDefaults.Security.ServiceSignature.HeaderName,
            TracSeq.ServiceDefaults.Security.ServiceSignature.Create(caller, "samples", key, DateTimeOffset.UtcNow,
                request.Method.Method, request.RequestUri!.OriginalString, body));
    }

    public Uri ProxiedEndpoint(string resource) => _app.GetEndpoint(resource, "http");

    /// <summary>The service's own Kestrel address (from its ASPNETCORE_URLS), with no proxy in between.</summary>
    public Uri KestrelEndpoint(string resource)
    {
        var pid = ServiceProcess.Find(this, resource);
        var urls = ServiceProcess.Environment(pid).GetValueOrDefault("ASPNETCORE_URLS")
                   ?? throw new InvalidOperationException($"{resource} (pid {pid}) has no ASPNETCORE_URLS.");
        var http = urls.Split(';').First(u => u.StartsWith("http://", StringComparison.Ordinal));
        // wrk and HttpClient may try ::1 first for "localhost"; the services listen on both.
        return new Uri(http
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal)
            .Replace("+", "127.0.0.1", StringComparison.Ordinal)
            .Replace("*", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>The pid DCP reports for a resource (the process it launched).</summary>
    public async Task<int?> ReportedPidAsync(string resource, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var e = await _app.ResourceNotifications.WaitForResourceAsync(resource,
                e => e.Snapshot.Properties.Any(p => p.Name.EndsWith(".pid", StringComparison.Ordinal) && p.Value is not null), timeout.Token);
            var value = e.Snapshot.Properties.First(p => p.Name.EndsWith(".pid", StringComparison.Ordinal) && p.Value is not null).Value;
            return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    internal Dictionary<string, int> KnownPids { get; } = [];

    public async Task<string> ConnectionStringAsync(string resource) =>
        await _app.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"No connection string for {resource}.");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // PostgreSQL's files belong to the postgres user when run as root; the folder is in the temp directory.
        }
    }
}
