using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// Scenario 7: the sequencing service through the gateway. 384 dual-indexed libraries (24 i7 × 16 i5, every pair far
/// enough apart to pass the collision check) made from 384 validated samples, then: creating a pool of all 384 (the
/// check runs over 73,536 pairs, then the pool and its rows are written), and the v2 sample sheet of a run with that
/// pool on each of 8 lanes (3,072 rows). The baseline is a plain authenticated read of one library through the gateway,
/// measured in the same run.
/// </summary>
public static class SequencingScenarios
{
    public const int Libraries = 384;

    public static IBenchmarkScenario[] Create()
    {
        var setup = new SequencingSetup();
        return [new LibraryReadScenario(setup), new PoolScenario(setup), new SampleSheetScenario(setup), new RunResultsScenario(setup)];
    }

    /// <summary>What the three scenarios share, made once (the first PrepareAsync does it).</summary>
    public sealed class SequencingSetup
    {
        private Task? _made;

        public HttpClient Gateway { get; private set; } = null!;

        public IReadOnlyList<Guid> LibraryIds { get; private set; } = [];

        public Guid RunId { get; private set; }

        public Task EnsureAsync(BenchmarkHost host, CancellationToken ct) => _made ??= MakeAsync(host, ct);

        private async Task MakeAsync(BenchmarkHost host, CancellationToken ct)
        {
            await host.SignInAsync(ct);
            Gateway = host.Client("gateway");
            var sampleIds = await ValidatedSamplesAsync(host, ct);
            var i7 = FarApart(24, seed: 7);
            var i5 = FarApart(16, seed: 5);
            var libraries = new List<Guid>(Libraries);
            for (var i = 0; i < Libraries; i++)
            {
                using var created = await Gateway.PostAsJsonAsync("/api/libraries", new
                {
                    sampleId = sampleIds[i], fragmentSizeBp = 420, concentrationNgUl = 3.5m,
                    index = new { index1 = i7[i % 24], index2 = i5[i / 24] },
                }, ct);
                libraries.Add(await IdAsync(created, "library", ct));
            }
            LibraryIds = libraries;

            using var pool = await Gateway.PostAsJsonAsync("/api/pools", new { name = "Bench pool 384", libraryIds = LibraryIds }, ct);
            var poolId = await IdAsync(pool, "pool", ct);
            using var run = await Gateway.PostAsJsonAsync("/api/runs", new
            {
                name = "Bench run 8x384", instrument = "NovaSeqX", flowcellId = "BENCHFC1",
                reads = new { read1Cycles = 151, read2Cycles = 151, index1Cycles = 10, index2Cycles = 10 },
                lanes = Enumerable.Range(1, 8).Select(lane => new { lane, poolId }),
            }, ct);
            RunId = await IdAsync(run, "run", ct);
        }

        /// <summary>384 samples through Samples' batch, then received and validated in two bulk moves.</summary>
        private static async Task<IReadOnlyList<Guid>> ValidatedSamplesAsync(BenchmarkHost host, CancellationToken ct)
        {
            using var samples = host.Client("samples");
            var submissionId = Guid.NewGuid();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/internal/samples/batch")
            {
                Content = JsonContent.Create(new
                {
                    submissionId, templateId = Guid.NewGuid(), templateVersion = 1,
                    samples = Enumerable.Range(1, Libraries)
                        .Select(i => new { name = $"Bench library source {i}", sampleType = "dna", projectCode = "BENCH-1" }),
                }),
            };
            request.Headers.Add("Idempotency-Key", submissionId.ToString());
            await host.SignAsync(request, "templates", ct); // only services call /internal
            using var batch = await samples.SendAsync(request, ct);
            var body = await batch.Content.ReadAsStringAsync(ct);
            if (batch.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"The sample batch answered {(int)batch.StatusCode}: {body}");
            }
            var ids = JsonDocument.Parse(body).RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
            foreach (var to in new[] { "received", "validated" })
            {
                using var moved = await samples.PostAsJsonAsync("/api/samples/bulk/status", new { ids, to }, ct);
                moved.EnsureSuccessStatusCode();
            }
            return ids;
        }

        /// <summary>Random 8-base indices, every two at Hamming distance ≥ 3 (so no pair collides with one mismatch allowed).</summary>
        private static List<string> FarApart(int count, int seed)
        {
            var random = new Random(seed);
            var chosen = new List<string>();
            while (chosen.Count < count)
            {
                var candidate = new string([.. Enumerable.Range(0, 8).Select(_ => "ACGT"[random.Next(4)])]);
                if (chosen.All(c => c.Zip(candidate).Count(p => p.First != p.Second) >= 3))
                {
                    chosen.Add(candidate);
                }
            }
            return chosen;
        }

        private static async Task<Guid> IdAsync(HttpResponseMessage response, string what, CancellationToken ct)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"Creating the {what} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
            }
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }
    }

    /// <summary>The baseline: <c>GET /api/libraries/{id}</c> through the gateway (token check, proxy, one indexed read).</summary>
    private sealed class LibraryReadScenario(SequencingSetup setup) : IBenchmarkScenario
    {
        public string Name => "`GET /api/libraries/{id}` through the gateway (baseline)";

        public bool IsBaseline => true;

        public long ItemsPerRun => 1;

        public Task PrepareAsync(BenchmarkHost host, CancellationToken ct) => setup.EnsureAsync(host, ct);

        public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
        {
            var id = setup.LibraryIds[Math.Abs(run) % setup.LibraryIds.Count];
            var clock = Stopwatch.StartNew();
            using var response = await setup.Gateway.GetAsync($"/api/libraries/{id}", ct);
            await response.Content.ReadAsByteArrayAsync(ct);
            clock.Stop();
            response.EnsureSuccessStatusCode();
            return clock.Elapsed;
        }
    }

    /// <summary><c>POST /api/pools</c> with 384 libraries through the gateway, timed until the 201 has been read.</summary>
    private sealed class PoolScenario(SequencingSetup setup) : IBenchmarkScenario
    {
        public string Name => $"`POST /api/pools` through the gateway ({Libraries} dual-indexed libraries)";

        public long ItemsPerRun => Libraries;

        public Task PrepareAsync(BenchmarkHost host, CancellationToken ct) => setup.EnsureAsync(host, ct);

        public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            using var response = await setup.Gateway.PostAsJsonAsync("/api/pools", new { name = $"Bench pool run {run}", libraryIds = setup.LibraryIds }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            clock.Stop();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"The pool answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
            }
            return clock.Elapsed;
        }
    }

    /// <summary><c>GET /api/runs/{id}/samplesheet?format=v2</c>: 8 lanes × 384 libraries, timed until the whole sheet is read.</summary>
    private sealed class SampleSheetScenario(SequencingSetup setup) : IBenchmarkScenario
    {
        public string Name => $"`GET /api/runs/{{id}}/samplesheet?format=v2` through the gateway (8 lanes × {Libraries})";

        public long ItemsPerRun => 8 * Libraries;

        public Task PrepareAsync(BenchmarkHost host, CancellationToken ct) => setup.EnsureAsync(host, ct);

        public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
        {
            var clock = Stopwatch.StartNew();
            using var response = await setup.Gateway.GetAsync($"/api/runs/{setup.RunId}/samplesheet?format=v2", ct);
            var sheet = await response.Content.ReadAsStringAsync(ct);
            clock.Stop();
            response.EnsureSuccessStatusCode();
            if (sheet.Split("\r\n").Count(line => line.Length > 0 && char.IsDigit(line[0])) != 8 * Libraries)
            {
                throw new InvalidOperationException("The sample sheet does not have a row per library per lane.");
            }
            return clock.Elapsed;
        }
    }
}
