using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Benchmarks.Baselines;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1: <c>GET /api/samples/by-barcode/{barcode}</c> of one cached sample through the gateway (JWT validation,
/// YARP, tracing, metrics and access log all on, as shipped), straight to the Samples process, and to Samples through
/// DCP's proxy; each against the limit it is measured by, in the same run: the gateway against a bare YARP + JWT
/// (HS256) gateway in front of a bare endpoint (the cost of a gateway hop), Samples against a bare endpoint reading
/// the same JSON from the same Redis (the cost of a cached read). The bare Kestrel endpoint serialising the JSON from
/// memory is the floor under both. CPU per request counts the processes that serve each target (gateway and Samples
/// for the gateway; the harness for the bare ones).
/// </summary>
public static class ReadByBarcodeScenario
{
    public const string Name = "1. GET a sample by barcode";
    public const string Gateway = "gateway → (DCP proxy) → Samples";
    public const string Direct = "Samples direct";
    public const string BareGatewayName = "bare YARP + JWT (HS256) → bare endpoint";
    public const string BareRedisName = "bare endpoint, same JSON from Redis";

    public sealed record Baselines(BareKestrel Bare, BareGateway Gateway, BareRedisRead Redis) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Bare.DisposeAsync();
            await Gateway.DisposeAsync();
            await Redis.DisposeAsync();
        }
    }

    public static async Task<(LoadComparison Comparison, Baselines Baselines)> CreateAsync(BenchmarkHost host, CancellationToken ct)
    {
        var token = await host.SignInAsync(ct);
        var barcode = await CreateSampleAsync(host, ct);
        var path = $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}";
        var direct = new Uri(host.KestrelEndpoint("samples"), path);

        using var client = host.Client("samples");
        var json = await client.GetStringAsync(path, ct);
        var baselines = new Baselines(
            await BareKestrel.StartAsync(json, ct),
            await BareGateway.StartAsync(json, ct),
            await BareRedisRead.StartAsync(await host.ConnectionStringAsync("cache"), json, ct));
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" };
        var samples = ServiceProcess.Find(host, "samples");
        var gateway = ServiceProcess.Find(host, "gateway");
        int[] harness = [Environment.ProcessId];

        ILoadTarget[] targets =
        [
            new WrkTarget(Gateway, new Uri(host.KestrelEndpoint("gateway"), path), "GET", headers) { ServedBy = [gateway, samples] },
            new WrkTarget(Direct, direct, "GET", headers) { ServedBy = [samples] },
            new WrkTarget("Samples through DCP proxy", new Uri(host.ProxiedEndpoint("samples"), path), "GET", headers) { ServedBy = [samples] },
            new WrkTarget("bare Kestrel, same JSON from memory (floor)", new Uri(baselines.Bare.Url, path), "GET", headers) { ServedBy = harness },
            new WrkTarget(BareGatewayName, new Uri(baselines.Gateway.Url, path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {baselines.Gateway.Token}" }) { ServedBy = harness },
            new WrkTarget(BareRedisName, new Uri(baselines.Redis.Url, path), "GET", headers) { ServedBy = harness },
        ];
        var comparison = new LoadComparison(Name,
            $"One cached sample ({json.Length} bytes of JSON) read by barcode; the same bearer token on every request. " +
            "The gateway is measured against the bare gateway hop, Samples against the bare Redis read, each run paired with its baseline's run.",
            targets, baselineOf: [4, 5, 5, 3, 4, 5]);
        return (comparison, baselines);
    }

    /// <summary>A sample created through the gateway, as a client would; returns its generated barcode.</summary>
    public static async Task<string> CreateSampleAsync(BenchmarkHost host, CancellationToken ct)
    {
        using var gateway = host.Client("gateway");
        using var created = await gateway.PostAsJsonAsync("/api/samples", CreateSampleScenario.Body, ct);
        var text = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating a sample answered {(int)created.StatusCode}: {text}");
        }
        using var sample = JsonDocument.Parse(text);
        return sample.RootElement.GetProperty("barcode").GetString()!;
    }
}
