using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Benchmarks.Baselines;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 2: <c>POST /api/samples</c> (a new sample, barcode from the sequence, its audit event, read back, one
/// transaction) through the gateway and straight to Samples, vs the harness inserting the same sample row and audit
/// row in one transaction with raw Npgsql at the same concurrency.
/// </summary>
public static class CreateSampleScenario
{
    public const string Name = "2. Create a sample";

    public static readonly object Body = new
    {
        name = "Benchmark sample",
        sampleType = "dna",
        volume = 50,
        concentration = 12.5,
        projectCode = ProjectCode,
        metadata = new { donor = "D-0001" },
    };

    public const string ProjectCode = "BENCH-2025";

    /// <summary>Staff create the benchmark's project once: no sample may name a project that does not exist.</summary>
    public static async Task EnsureProjectAsync(HttpClient admin, CancellationToken ct)
    {
        using var created = await admin.PostAsJsonAsync("/api/projects", new { code = ProjectCode, name = "Benchmarks" }, ct);
        if (created.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException(
                $"Creating project {ProjectCode} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(ct)}");
        }
    }

    public static async Task<LoadComparison> CreateAsync(BenchmarkHost host, CancellationToken ct)
    {
        var token = await host.SignInAsync(ct);
        var body = JsonSerializer.Serialize(Body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", ["Content-Type"] = "application/json" };
        ILoadTarget[] targets =
        [
            new WrkTarget("gateway → (DCP proxy) → Samples", new Uri(host.KestrelEndpoint("gateway"), "api/samples"), "POST", headers, body)
                { ServedBy = [ServiceProcess.Find(host, "gateway"), ServiceProcess.Find(host, "samples")] },
            new WrkTarget("Samples direct", new Uri(host.KestrelEndpoint("samples"), "api/samples"), "POST", headers, body)
                { ServedBy = [ServiceProcess.Find(host, "samples")] },
            new RawInsertTarget(await host.ConnectionStringAsync("samplesdb")),
        ];
        return new LoadComparison(Name,
            $"`POST /api/samples` with {body.Length} bytes of JSON, no Idempotency-Key; the baseline writes the same two rows per transaction.",
            targets, baselineIndex: 2);
    }
}
