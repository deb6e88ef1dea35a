using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 3: what instrumentation costs. Scenario 1's direct read against the Samples process of the main host
/// (as shipped) and of a second AppHost whose Samples runs with <c>TracSeq:Telemetry:Enabled=false</c> (no
/// OpenTelemetry tracing/metrics, no prometheus-net HTTP metrics, no access log). Both stacks run meanwhile and the
/// runs alternate, so both see the same machine.
/// </summary>
public static class InstrumentationScenario
{
    public const string Name = "3. Instrumentation overhead (Samples direct, GET by barcode)";

    public static readonly string[] OffSettings = ["--TracSeq:Services:samples:TracSeq:Telemetry:Enabled=false"];

    public static async Task<LoadComparison> CreateAsync(BenchmarkHost on, BenchmarkHost off, CancellationToken ct)
    {
        async Task<WrkTarget> Target(BenchmarkHost host, string name)
        {
            var token = await host.SignInAsync(ct);
            var barcode = await ReadByBarcodeScenario.CreateSampleAsync(host, ct);
            return new WrkTarget(name, new Uri(host.KestrelEndpoint("samples"), $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}"), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" })
                { ServedBy = [ServiceProcess.Find(host, "samples")] };
        }
        ILoadTarget[] targets = [await Target(on, "instrumentation on (default)"), await Target(off, "instrumentation off (TracSeq:Telemetry:Enabled=false)")];
        return new LoadComparison(Name,
            "Same request, same data size; two AppHosts side by side, runs alternating. Overhead = 1 − on/off throughput.", targets, baselineIndex: 1);
    }
}
