using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TracSeq.Benchmarks.Baselines;
using TracSeq.Benchmarks.Load;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The membership check on the hot read (issue 21): <c>GET /api/samples/by-barcode/{barcode}</c> of one cached sample,
/// straight to Samples, read by a project member (a principal investigator: the check is a lookup in the replica's
/// membership cache) against the same read by facility staff (no lookup at all, which is the path every read took
/// before projects existed), and the bare Redis read as the floor. <c>-- --projects-only</c> runs it alone.
/// </summary>
public static class ProjectReadScenario
{
    public const string Name = "10. GET a sample by barcode with the project membership check";
    public const string Staff = "Samples direct, staff (no membership lookup)";
    public const string Member = "Samples direct, project member (membership from memory)";

    public static async Task<(LoadComparison Comparison, BareRedisRead Baseline)> CreateAsync(BenchmarkHost host, CancellationToken ct)
    {
        var adminToken = await host.SignInAsync(ct);
        var memberToken = await MemberAsync(host, ct);
        var barcode = await CreateSampleAsync(host, memberToken, ct);
        var path = $"api/samples/by-barcode/{Uri.EscapeDataString(barcode)}";

        using var client = host.Client("samples");
        var json = await client.GetStringAsync(path, ct); // fills the cache
        var baseline = await BareRedisRead.StartAsync(await host.ConnectionStringAsync("cache"), json, ct);
        var samples = ServiceProcess.Find(host, "samples");
        ILoadTarget[] targets =
        [
            new WrkTarget(Staff, new Uri(host.KestrelEndpoint("samples"), path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {adminToken}" }) { ServedBy = [samples] },
            new WrkTarget(Member, new Uri(host.KestrelEndpoint("samples"), path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {memberToken}" }) { ServedBy = [samples] },
            new WrkTarget(ReadByBarcodeScenario.BareRedisName, new Uri(baseline.Url, path), "GET",
                new Dictionary<string, string> { ["Authorization"] = $"Bearer {adminToken}" }) { ServedBy = [Environment.ProcessId] },
        ];
        var comparison = new LoadComparison(Name,
            $"One cached sample ({json.Length} bytes of JSON) read by barcode. The member's read is measured against staff's (which " +
            "takes no membership lookup, as every read did before projects), each run paired with it; staff's against the bare Redis read.",
            targets, baselineOf: [2, 0, 2]);
        return (comparison, baseline);
    }

    /// <summary>A principal investigator who owns a project (made through the gateway, as a lab would); their token.</summary>
    private static async Task<string> MemberAsync(BenchmarkHost host, CancellationToken ct)
    {
        using var auth = host.Client("auth");
        var email = $"pi.{Guid.NewGuid():N}@bench.example.org";
        var password = $"pw-{Guid.NewGuid():N}";
        using (var created = await auth.PostAsJsonAsync("/api/users", new { email, displayName = "Bench PI", role = "principal_investigator", password }, ct))
        {
            created.EnsureSuccessStatusCode();
        }
        using var login = await auth.PostAsJsonAsync("/api/auth/login", new { email, password }, ct);
        login.EnsureSuccessStatusCode();
        using var tokens = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct));
        return tokens.RootElement.GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> CreateSampleAsync(BenchmarkHost host, string memberToken, CancellationToken ct)
    {
        using var gateway = host.Client("gateway");
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", memberToken);
        const string code = "BENCH-PROJECTS";
        using (var project = await gateway.PostAsJsonAsync("/api/projects", new { code, name = "Benchmark group" }, ct))
        {
            if (project.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Creating the project answered {(int)project.StatusCode}: {await project.Content.ReadAsStringAsync(ct)}");
            }
        }
        using var created = await gateway.PostAsJsonAsync("/api/samples", new { name = "Membership check", sampleType = "dna", projectCode = code }, ct);
        var text = await created.Content.ReadAsStringAsync(ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating a sample answered {(int)created.StatusCode}: {text}");
        }
        using var sample = JsonDocument.Parse(text);
        return sample.RootElement.GetProperty("barcode").GetString()!;
    }
}
