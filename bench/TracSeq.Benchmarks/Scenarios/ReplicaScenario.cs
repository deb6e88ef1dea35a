using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scale-out: scenario 1's cached read by barcode and scenario 2's create, through the gateway's Aspire address
/// (DCP's proxy, which spreads requests over the replicas), with every service as one process vs as two
/// (<c>TracSeq:Replicas=2</c>). Both stacks run side by side and the runs alternate, so the machine's load hits them
/// alike; the one-replica stack is the baseline. Run alone with <c>--replicas-only</c>.
/// </summary>
public static class ReplicaScenario
{
    public const string ReadName = "8a. GET a sample by barcode: one replica vs two";
    public const string CreateName = "8b. Create a sample: one replica vs two";

    public static async Task<string> RunAsync(LoadSettings load, CancellationToken ct)
    {
        await using var one = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
        await using var two = await BenchmarkHost.StartAsync([.. BenchmarkHost.LoadTestSettings, "--TracSeq:Replicas=2"], ct);
        Console.WriteLine($"One-replica stack healthy in {one.StartDuration.TotalSeconds:F1} s, two-replica stack in {two.StartDuration.TotalSeconds:F1} s");

        var reads = new List<ILoadTarget>();
        var creates = new List<ILoadTarget>();
        var body = System.Text.Json.JsonSerializer.Serialize(
            CreateSampleScenario.Body, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        foreach (var (label, host) in new[] { ("1 replica", one), ("2 replicas", two) })
        {
            var token = await host.SignInAsync(ct);
            var barcode = await ReadByBarcodeScenario.CreateSampleAsync(host, ct);
            var gateway = host.ProxiedEndpoint("gateway");
            reads.Add(new WrkTarget($"{label}: gateway → Samples", new Uri(gateway, $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}"), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" }));
            creates.Add(new WrkTarget($"{label}: gateway → Samples", new Uri(gateway, "api/samples"), "POST",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", ["Content-Type"] = "application/json" }, body));
        }

        var read = new LoadComparison(ReadName,
            "One cached sample read by barcode through the gateway's Aspire address; every service as one process (baseline) or two.",
            reads, baselineIndex: 0);
        await read.RunAsync(load, ct);
        Console.WriteLine(read.Table());
        var create = new LoadComparison(CreateName,
            $"`POST /api/samples` ({body.Length} bytes, no Idempotency-Key) through the gateway's Aspire address; one process per service (baseline) or two.",
            creates, baselineIndex: 0);
        await create.RunAsync(load, ct);
        Console.WriteLine(create.Table());
        return read.Table() + Environment.NewLine + create.Table();
    }
}
