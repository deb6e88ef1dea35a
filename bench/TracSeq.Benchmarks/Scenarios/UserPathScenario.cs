using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using TracSeq.Benchmarks.Baselines;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The path a user meets: the AppHost started as a developer or operator starts it, <c>dotnet run -c Release --project
/// TracSeq.AppHost</c> (local mode, Aspire dashboard and everything else running, fixed ports), the gateway's per-user
/// limit lifted by setting, and the cached read by barcode loaded through <c>http://localhost:8000</c> (DCP's proxy →
/// gateway → DCP's proxy → Samples). Measured against a bare YARP + JWT gateway in front of a bare endpoint started
/// right after on the same machine, runs paired. CPU per request counts the gateway, Samples and DCP (its proxies).
/// Skipped, with a note, when port 8000 is already taken (a development instance is running).
/// </summary>
public sealed class UserPathScenario : IAsyncDisposable
{
    public const string Name = "1b. The user's path: GET a sample by barcode through http://localhost:8000 under `dotnet run`";
    public const string Target = ":8000 → DCP proxy → gateway → DCP proxy → Samples";
    private static readonly Uri Gateway = new("http://127.0.0.1:8000/");

    private readonly Process _appHost;
    private readonly string _dataDirectory;
    private BareGateway? _bare;

    private UserPathScenario(Process appHost, string dataDirectory)
    {
        _appHost = appHost;
        _dataDirectory = dataDirectory;
    }

    public TimeSpan StartDuration { get; private set; }

    public static bool PortFree()
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, 8000);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task<(UserPathScenario Scenario, LoadComparison Comparison)> StartAsync(string repositoryRoot, CancellationToken ct)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"tracseq-userpath-{Guid.NewGuid():N}"[..25]);
        var password = $"Bench-{Guid.NewGuid():N}";
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "run", "-c", "Release", "--project", "TracSeq.AppHost", "--",
                     "--TracSeq:Infrastructure=local", $"--TracSeq:DataDirectory={dataDirectory}", $"--Parameters:admin-password={password}",
                     "--TracSeq:Services:gateway:Gateway:RateLimits:PerUserPerMinute=100000000",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var clock = Stopwatch.StartNew();
        var appHost = Process.Start(start) ?? throw new InvalidOperationException("dotnet run did not start.");
        appHost.OutputDataReceived += (_, _) => { };
        appHost.ErrorDataReceived += (_, _) => { };
        appHost.BeginOutputReadLine();
        appHost.BeginErrorReadLine();
        var scenario = new UserPathScenario(appHost, dataDirectory);

        using var http = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        await WaitHealthyAsync(http, appHost, ct);
        scenario.StartDuration = clock.Elapsed;

        using var login = await http.PostAsJsonAsync("/api/auth/login", new { email = "admin@tracseq.local", password }, ct);
        login.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("accessToken").GetString()!;
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await CreateSampleScenario.EnsureProjectAsync(http, ct);
        using var created = await http.PostAsJsonAsync("/api/samples", CreateSampleScenario.Body, ct);
        created.EnsureSuccessStatusCode();
        var barcode = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("barcode").GetString()!;
        var path = $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}";
        var json = await http.GetStringAsync(path, ct);

        scenario._bare = await BareGateway.StartAsync(json, ct);
        var served = ServedBy(repositoryRoot, appHost.Id);
        ILoadTarget[] targets =
        [
            new WrkTarget(Target, new Uri(Gateway, path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" }) { ServedBy = served },
            new WrkTarget(ReadByBarcodeScenario.BareGatewayName, new Uri(scenario._bare.Url, path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {scenario._bare.Token}" }) { ServedBy = [Environment.ProcessId] },
        ];
        var comparison = new LoadComparison(Name,
            $"`dotnet run -c Release --project TracSeq.AppHost` (local mode, dashboard on, per-user limit lifted), " +
            $"healthy in {scenario.StartDuration.TotalSeconds:F0} s; " +
            $"one cached sample ({json.Length} bytes) read through port 8000; CPU counts gateway, Samples and DCP ({served.Length} processes).",
            targets, baselineIndex: 1);
        return (scenario, comparison);
    }

    /// <summary>
    /// The gateway and Samples processes built from this repository (Release), and DCP (whose proxies carry both hops):
    /// the DCP processes that monitor this AppHost, and DCP processes they started. DCP detaches from the AppHost, so it is found by
    /// its <c>--monitor</c> argument rather than as a descendant.
    /// </summary>
    private static int[] ServedBy(string repositoryRoot, int dotnetRun)
    {
        var appHosts = ServiceProcess.SelfAndDescendants(dotnetRun).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var all = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0).Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Command: ServiceProcess.CommandLine(pid))).ToList();
        var services = all.Where(p => p.Command.Contains(Path.Combine(repositoryRoot, "TracSeq.Gateway", "bin", "Release"), StringComparison.Ordinal) ||
                                      p.Command.Contains(Path.Combine(repositoryRoot, "TracSeq.Samples", "bin", "Release"), StringComparison.Ordinal))
            .Where(p => !p.Command.Contains(" run ", StringComparison.Ordinal))
            .Select(p => p.Pid);
        var dcp = all.Where(p => p.Command.Contains("dcp", StringComparison.Ordinal) &&
                                 p.Command.Split(' ').SkipWhile(a => a != "--monitor").Skip(1).FirstOrDefault() is { } monitored &&
                                 appHosts.Contains(monitored))
            .SelectMany(p => ServiceProcess.SelfAndDescendants(p.Pid))
            .Where(pid => Path.GetFileName(ServiceProcess.CommandLine(pid).Split(' ')[0]).StartsWith("dcp", StringComparison.Ordinal));
        return [.. services.Concat(dcp).Distinct()];
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process appHost, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5); // includes a Release build of every project
        while (DateTime.UtcNow < deadline)
        {
            if (appHost.HasExited)
            {
                throw new InvalidOperationException($"dotnet run of the AppHost exited with {appHost.ExitCode}.");
            }
            try
            {
                using var health = await http.GetAsync("/health", ct);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(1000, ct);
        }
        throw new TimeoutException("The gateway on :8000 did not become healthy within 5 minutes.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_bare is not null)
        {
            await _bare.DisposeAsync();
        }
        if (!_appHost.HasExited)
        {
            // A background process ignores SIGINT; SIGTERM stops the AppHost, and DCP its children.
            Process.Start("kill", ["-TERM", _appHost.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _appHost.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _appHost.Kill(entireProcessTree: true);
            }
        }
        _appHost.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
