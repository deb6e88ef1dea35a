using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Benchmarks.Baselines;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1: <c>GET /api/samples/by-barcode/{barcode}</c> of one sample through the gateway (JWT validation, YARP,
/// tracing, metrics and access logs all on, as shipped) vs the same call straight to the Samples process vs a bare
/// Kestrel endpoint serialising the same JSON. The gateway reaches Samples through DCP's proxy, as Aspire wires it,
/// so Samples through that proxy is measured too, to show the proxy's share.
/// </summary>
public static class ReadByBarcodeScenario
{
    public const string Name = "1. GET a sample by barcode";

    public static async Task<(LoadComparison Comparison, BareKestrel Bare)> CreateAsync(BenchmarkHost host, CancellationToken ct)
    {
        var token = await host.SignInAsync(ct);
        var barcode = await CreateSampleAsync(host, ct);
        var path = $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}";
        var direct = new Uri(host.KestrelEndpoint("samples"), path);

        using var client = host.Client("samples");
        var json = await client.GetStringAsync(path, ct);
        var bare = await BareKestrel.StartAsync(json, ct);
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" };

        ILoadTarget[] targets =
        [
            new WrkTarget("gateway → (DCP proxy) → Samples", new Uri(host.KestrelEndpoint("gateway"), path), "GET", headers),
            new WrkTarget("Samples direct", direct, "GET", headers),
            new WrkTarget("Samples through DCP proxy", new Uri(host.ProxiedEndpoint("samples"), path), "GET", headers),
            new WrkTarget("bare Kestrel, same JSON", new Uri(bare.Url, path), "GET", headers),
        ];
        var comparison = new LoadComparison(Name,
            $"One sample ({json.Length} bytes of JSON) read by barcode; the same bearer token on every request.", targets, baselineIndex: 3);
        return (comparison, bare);
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
