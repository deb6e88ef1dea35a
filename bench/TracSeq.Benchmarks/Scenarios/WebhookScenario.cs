using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 9 (issue 23): what one active webhook subscription costs <c>POST /api/samples</c> (an outbox row in the
/// request's transaction, the fan-out, and the dispatcher signing and sending every delivery on the same machine),
/// against the same load with the subscription disabled; and how long a delivery takes at rest, from the 201 of a
/// sample to the receiver having its <c>sample.created</c>. The receiver is an HttpListener in this process.
/// </summary>
public sealed class WebhookScenario : IDisposable
{
    public const string Name = "9. Webhooks";
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<Guid, long> _arrivals = new(); // sample id → Stopwatch timestamp of receipt
    private readonly Task _loop;
    private readonly string _url;

    private WebhookScenario()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/bench/";
        probe.Stop();
        _listener.Prefixes.Add(_url);
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public static async Task<string> RunAsync(BenchmarkHost host, LoadSettings load, int latencySamples, CancellationToken ct)
    {
        using var scenario = new WebhookScenario();
        using var admin = host.Client("gateway");
        using var created = await admin.PostAsJsonAsync("/api/webhooks", new { url = scenario._url, events = new[] { "sample.created" } }, ct);
        created.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("webhook").GetProperty("id").GetGuid();
        var db = await host.ConnectionStringAsync("samplesdb");

        var costs = await CreateSampleScenario.CreateAsync(host, ct);
        var direct = costs.Targets[1]; // Samples direct: the service's own cost, no gateway in front
        var comparison = new LoadComparison($"{Name}: one active subscription on the sample-create path",
            "`POST /api/samples` straight to Samples, with no subscription (disabled) and with one active subscription for " +
            "`sample.created` whose receiver answers 204 at once. Every run starts with no delivery pending.",
            [new Toggled("no subscription", direct, admin, id, enabled: false, db), new Toggled("1 active subscription", direct, admin, id, enabled: true, db)],
            baselineIndex: 0);
        await comparison.RunAsync(load, ct);

        await SetAsync(admin, id, enabled: true, db, ct);
        var latency = new StringBuilder();
        latency.AppendLine(CultureInfo.InvariantCulture, $"### {Name}: delivery latency at rest").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture,
                $"{latencySamples} samples created one after another (200 ms apart) through the gateway; " +
                $"the time from each 201 to the receiver holding its `sample.created`.").AppendLine()
            .AppendLine("| run | p50 ms | p95 ms | max ms |").AppendLine("|---:|---:|---:|---:|");
        var p95s = new List<double>();
        for (var run = 1; run <= Math.Max(3, load.Runs); run++)
        {
            var times = await scenario.LatenciesAsync(admin, latencySamples, ct);
            p95s.Add(Percentile(times, 0.95));
            latency.AppendLine(CultureInfo.InvariantCulture, $"| {run} | {Percentile(times, 0.5):F0} | {Percentile(times, 0.95):F0} | {times.Max():F0} |");
        }
        latency.AppendLine().AppendLine(CultureInfo.InvariantCulture,
            $"p95: median {LoadComparison.Median(p95s):F0} ms (min–max {p95s.Min():F0}–{p95s.Max():F0}) over {p95s.Count} runs.");
        return comparison.Table() + "\n" + latency;
    }

    private async Task<List<double>> LatenciesAsync(HttpClient admin, int count, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            using var response = await admin.PostAsJsonAsync("/api/samples", CreateSampleScenario.Body, ct);
            var answered = Stopwatch.GetTimestamp();
            response.EnsureSuccessStatusCode();
            var sampleId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            long arrived;
            while (!_arrivals.TryGetValue(sampleId, out arrived))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"No delivery for sample {sampleId} within 30 s.");
                }
                await Task.Delay(2, ct);
            }
            times.Add(Math.Max(0, Stopwatch.GetElapsedTime(answered, arrived).TotalMilliseconds));
            await Task.Delay(200, ct);
        }
        return times;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Waits until no delivery is pending (the previous run's backlog sent), then enables or disables the subscription.</summary>
    private static async Task SetAsync(HttpClient admin, Guid id, bool enabled, string db, CancellationToken ct)
    {
        await using (var connection = new NpgsqlConnection(db))
        {
            await connection.OpenAsync(ct);
            while (true)
            {
                await using var pending = new NpgsqlCommand("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'", connection);
                if ((long)(await pending.ExecuteScalarAsync(ct))! == 0)
                {
                    break;
                }
                await Task.Delay(250, ct);
            }
        }
        using var patched = await admin.PatchAsJsonAsync($"/api/webhooks/{id}", new { enabled }, ct);
        patched.EnsureSuccessStatusCode();
    }

    private sealed class Toggled(string name, ILoadTarget inner, HttpClient admin, Guid id, bool enabled, string db) : ILoadTarget
    {
        public string Name => name;

        public async Task<LoadResult> RunAsync(int connections, TimeSpan duration, CancellationToken ct)
        {
            await SetAsync(admin, id, enabled, db, ct);
            return await inner.RunAsync(connections, duration, ct);
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var at = Stopwatch.GetTimestamp();
            using (var body = await JsonDocument.ParseAsync(context.Request.InputStream))
            {
                if (body.RootElement.GetProperty("data").TryGetProperty("sampleId", out var sampleId))
                {
                    _arrivals[sampleId.GetGuid()] = at;
                }
            }
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
