using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TracSeq.Benchmarks;
using TracSeq.Benchmarks.Load;
using TracSeq.Benchmarks.Scenarios;

// dotnet run -c Release --project bench/TracSeq.Benchmarks
//   [-- --duration 10 --warmup-seconds 10 --runs 3 --connections 8,32 --submission-runs 3 --cold-starts 3
//       --samples 10000 --batch-runs 3 --batch-warmup 1 --wrk-threads 1 --output bench/results/latest]
//   [-- --sequencing-only --sequencing-runs 7 --output bench/results/sequencing]   only scenario 7 (about 3 min)
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(90));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;
WrkTarget.Threads = options.WrkThreads;
var load = new LoadSettings(TimeSpan.FromSeconds(options.WarmUpSeconds), TimeSpan.FromSeconds(options.DurationSeconds), options.Runs, options.Connections);
var report = new StringBuilder();
var before = MachineState("before");
Console.WriteLine(before);
var total = Stopwatch.StartNew();

if (args.Contains("--web-only"))
{
    await using var only = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
    var table = Measurement.Table(await RunAsync(only, WebRenderScenarios.Create(options.Samples), warmUp: 2, runs: Math.Max(options.Runs, 3)));
    var text = $"{before}  \n{MachineState("after")}  \nCommand: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`\n\n" +
               $"### Web front end: time to the first complete render in headless Chromium ({options.Samples:N0} samples in the database)\n\n{table}";
    Console.WriteLine(text);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    await File.WriteAllTextAsync(options.Output + ".md", text, ct);
    return;
}

if (args.Contains("--sequencing-only"))
{
    await using var only = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
    var table = Measurement.Table(await RunAsync(only, SequencingScenarios.Create(), warmUp: 3, runs: options.SequencingRuns));
    var text = $"{before}  \n{MachineState("after")}  \nCommand: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`\n\n" +
               $"### 7. Sequencing through the gateway\n\n{table}";
    Console.WriteLine(text);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    await File.WriteAllTextAsync(options.Output + ".md", text, ct);
    return;
}

// The main stack: as shipped, except the gateway's per-user limit (600/min) is lifted for the load.
var host = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
await ServiceProcess.ResolveAsync(host, ct);
Console.WriteLine($"AppHost (local mode) healthy in {host.StartDuration.TotalSeconds:F1} s; services: " +
                  string.Join(", ", BenchmarkHost.Services.Select(s => $"{s} pid {ServiceProcess.Find(host, s)}")));
var memory = new Memory(host);
await memory.MeasureIdleBeforeAsync(ct);

using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
var sampler = memory.SampleUnderLoadAsync(sampling.Token);

var (reads, bare) = await ReadByBarcodeScenario.CreateAsync(host, ct);
await using (bare)
{
    await reads.RunAsync(load, ct);
}
Console.WriteLine(reads.Table());

var creates = await CreateSampleScenario.CreateAsync(host, ct);
await creates.RunAsync(load, ct);
Console.WriteLine(creates.Table());

var submissions = await RunAsync(host, [new SubmissionScenario(options.Samples), new PsqlCopyScenario(options.Samples)], warmUp: 1, options.SubmissionRuns);
await sampling.CancelAsync();
await sampler;
await memory.MeasureIdleAfterAsync(ct);
var submissionTable = Measurement.Table(submissions);
Console.WriteLine(submissionTable);

// The batch endpoint alone vs binary COPY, and a CSV export of everything inserted (kept from the first harness).
var inserts = await RunAsync(host, [new BatchCreateScenario(options.Samples), new RawCopyBaselineScenario(options.Samples)], options.BatchWarmUp, options.BatchRuns);
var exports = await RunAsync(host, [new CsvExportScenario()], warmUp: 1, runs: 3);
var sequencing = await RunAsync(host, SequencingScenarios.Create(), warmUp: 3, runs: options.SequencingRuns);

// Scenario 3: a second stack whose Samples runs without instrumentation, beside the first.
LoadComparison instrumentation;
TimeSpan offStart;
await using (var off = await BenchmarkHost.StartAsync([.. BenchmarkHost.LoadTestSettings, .. InstrumentationScenario.OffSettings], ct))
{
    offStart = off.StartDuration;
    await ServiceProcess.ResolveAsync(off, ct);
    instrumentation = await InstrumentationScenario.CreateAsync(host, off, ct);
    await instrumentation.RunAsync(load, ct);
}
Console.WriteLine(instrumentation.Table());
var mainStart = host.StartDuration;
await host.DisposeAsync();

// Scenario 5: cold starts, with the product's settings, nothing else running.
var coldStarts = new List<(double Seconds, double Load)>();
for (var run = 1; run <= options.ColdStarts; run++)
{
    await Task.Delay(TimeSpan.FromSeconds(5), ct); // the previous stack's processes exit
    await using var cold = await BenchmarkHost.StartAsync([], ct, signIn: false);
    coldStarts.Add((cold.StartDuration.TotalSeconds, LoadResult.CurrentLoad()));
    Console.WriteLine($"  [5. cold start] run {run}: {cold.StartDuration.TotalSeconds:F1} s (load {LoadResult.CurrentLoad():F2})");
}
var after = MachineState("after");

// The report.
report.AppendLine(CultureInfo.InvariantCulture, $"{before}  ").AppendLine(CultureInfo.InvariantCulture, $"{after}  ");
report.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`; settings: {options}; whole run {total.Elapsed.TotalMinutes:F1} min.").AppendLine();
report.AppendLine(reads.Table()).AppendLine(creates.Table()).AppendLine(instrumentation.Table());
report.AppendLine("### 4. A 10,000-row CSV submission end to end").AppendLine().AppendLine(submissionTable);
report.AppendLine("### 5. AppHost cold start to every resource healthy").AppendLine();
report.AppendLine("Fresh data folder each time (initdb, migrations, admin account), projects already built, all 16 resources healthy (postgres, 4 databases, redis, prometheus, alertmanager, 3 exporters, 5 services).").AppendLine();
report.AppendLine("| run | seconds | load 1m |").AppendLine("|---|---:|---:|");
foreach (var (c, i) in coldStarts.Select((c, i) => (c, i + 1)))
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {i} | {c.Seconds:F1} | {c.Load:F2} |");
}
var coldMedian = coldStarts.Count > 0 ? LoadComparison.Median(coldStarts.Select(c => c.Seconds)) : double.NaN;
report.AppendLine(CultureInfo.InvariantCulture, $"| median | {coldMedian:F1} | |").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture,
    $"The benchmark stacks themselves (gateway rate limit lifted) started in {mainStart.TotalSeconds:F1} s (first, idle machine) and {offStart.TotalSeconds:F1} s (second, beside the first).").AppendLine();
report.AppendLine(memory.Table());
report.AppendLine(CultureInfo.InvariantCulture, $"### Batch endpoint and export (first harness), {options.Samples:N0} samples per run").AppendLine();
report.AppendLine(Measurement.Table(inserts)).AppendLine(Measurement.Table(exports));
report.AppendLine("### 7. Sequencing through the gateway").AppendLine().AppendLine(Measurement.Table(sequencing));
report.AppendLine(Targets());

Console.WriteLine();
Console.WriteLine(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output + ".md", report.ToString(), ct);
await File.WriteAllTextAsync(options.Output + ".json", JsonSerializer.Serialize(new
{
    machine = new { before, after, cores = Environment.ProcessorCount, os = RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
    command = $"dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}",
    options,
    scenarios = new object[]
    {
        new { name = reads.Scenario, rows = reads.Rows },
        new { name = creates.Scenario, rows = creates.Rows },
        new { name = instrumentation.Scenario, rows = instrumentation.Rows },
        new { name = "4. submission", runs = submissions.Select(m => new { m.Scenario.Name, seconds = m.Runs.Select(r => r.TotalSeconds), median = m.Median.TotalSeconds, loads = m.Loads }) },
        new { name = "5. cold start", seconds = coldStarts.Select(c => c.Seconds), loads = coldStarts.Select(c => c.Load), median = coldMedian, benchmarkStacks = new[] { mainStart.TotalSeconds, offStart.TotalSeconds } },
        new { name = "6. memory MiB", idleBefore = memory.IdleBefore, peakUnderLoad = memory.PeakUnderLoad, idleAfter = memory.IdleAfter },
        new { name = "7. sequencing", runs = sequencing.Select(m => new { m.Scenario.Name, seconds = m.Runs.Select(r => r.TotalSeconds), median = m.Median.TotalSeconds, loads = m.Loads }) },
        new { name = "batch", runs = inserts.Concat(exports).Select(m => new { m.Scenario.Name, seconds = m.Runs.Select(r => r.TotalSeconds), median = m.Median.TotalSeconds, loads = m.Loads }) },
    },
}, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }), ct);
Console.WriteLine($"Wrote {options.Output}.md and {options.Output}.json");

string Targets()
{
    var text = new StringBuilder("### Against the targets\n\n| target | connections | measured | met |\n|---|---:|---|---|\n");
    double Rps(LoadComparison c, string target, int conns) => c.Rows.First(r => r.Target == target && r.Connections == conns).RequestsPerSecond;
    foreach (var conns in options.Connections)
    {
        var gw = Rps(reads, reads.Rows[0].Target, conns) / Rps(reads, "Samples direct", conns);
        text.AppendLine(CultureInfo.InvariantCulture, $"| gateway read ≥ 60% of direct | {conns} | {gw:P0} | {(gw >= 0.6 ? "yes" : "no")} |");
    }
    foreach (var conns in options.Connections)
    {
        var create = Rps(creates, creates.Rows[0].Target, conns) / creates.Rows.First(r => r.IsBaseline && r.Connections == conns).RequestsPerSecond;
        text.AppendLine(CultureInfo.InvariantCulture, $"| create (through the gateway) ≥ 60% of the raw insert | {conns} | {create:P0} | {(create >= 0.6 ? "yes" : "no")} |");
    }
    foreach (var conns in options.Connections)
    {
        var overhead = 1 - instrumentation.Rows.First(r => !r.IsBaseline && r.Connections == conns).RequestsPerSecond
            / instrumentation.Rows.First(r => r.IsBaseline && r.Connections == conns).RequestsPerSecond;
        text.AppendLine(CultureInfo.InvariantCulture, $"| instrumentation overhead < 5% (throughput) | {conns} | {overhead:P1} | {(overhead < 0.05 ? "yes" : "no")} |");
    }
    var submission = submissions[0].Median.TotalSeconds;
    text.AppendLine(CultureInfo.InvariantCulture, $"| {options.Samples:N0}-row submission < 5 s | 1 | {submission:F2} s (median) | {(submission < 5 ? "yes" : "no")} |");
    text.AppendLine(CultureInfo.InvariantCulture, $"| cold start < 30 s | | {coldMedian:F1} s (median of {coldStarts.Count}) | {(coldMedian < 30 ? "yes" : "no")} |");
    return text.ToString();
}

async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkHost on, IBenchmarkScenario[] scenarios, int warmUp, int runs)
{
    foreach (var scenario in scenarios)
    {
        await scenario.PrepareAsync(on, ct);
    }
    // Not timed: tiered JIT and PGO keep recompiling for seconds under load (shared/platform.md).
    for (var run = 1; run <= warmUp; run++)
    {
        foreach (var scenario in scenarios)
        {
            var t = await scenario.RunOnceAsync(-run, ct);
            Console.WriteLine($"  warm-up {run}: {scenario.Name}: {t.TotalSeconds:F3} s");
        }
    }
    var measurements = scenarios.Select(s => new Measurement(s)).ToList();
    for (var run = 1; run <= runs; run++)
    {
        foreach (var m in measurements)
        {
            var t = await m.Scenario.RunOnceAsync(run, ct);
            m.Add(t);
            Console.WriteLine($"  run {run}: {m.Scenario.Name}: {t.TotalSeconds:F3} s (load {m.Loads[^1]:F2})");
        }
    }
    return measurements;
}

static string MachineState(string when)
{
    var loadavg = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
    var memTotal = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] : "0";
    var cpu = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
    return string.Create(CultureInfo.InvariantCulture,
        $"Machine {when} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC): {Environment.ProcessorCount} cores ({cpu ?? "?"}), {long.Parse(memTotal, CultureInfo.InvariantCulture) / 1024 / 1024.0:F1} GiB, load average {loadavg}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug (use -c Release)")}");
}

static bool IsRelease() =>
    typeof(Measurement).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

internal sealed record BenchmarkOptions(
    int DurationSeconds, int WarmUpSeconds, int Runs, IReadOnlyList<int> Connections, int SubmissionRuns, int ColdStarts,
    int Samples, int BatchRuns, int BatchWarmUp, int WrkThreads, string Output, int SequencingRuns)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Runs} × {DurationSeconds} s after {WarmUpSeconds} s warm-up at {string.Join(" and ", Connections)} connections (wrk -t{WrkThreads}), {SubmissionRuns} submissions, {ColdStarts} cold starts, {Samples:N0} rows, {BatchRuns} batch runs");

    public static BenchmarkOptions Parse(string[] args)
    {
        string? Raw(string name)
        {
            var index = Array.IndexOf(args, $"--{name}");
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }
        int Read(string name, int fallback) =>
            int.TryParse(Raw(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
        var connections = Raw("connections")?.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList() ?? [8, 32];
        return new BenchmarkOptions(Read("duration", 10), Read("warmup-seconds", 10), Read("runs", 3), connections,
            Read("submission-runs", 3), Read("cold-starts", 3), Read("samples", 10_000), Read("batch-runs", 3), Read("batch-warmup", 1),
            Read("wrk-threads", 1), Raw("output") ?? "bench/results/latest", Read("sequencing-runs", 7));
    }
}
