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
//       --samples 10000 --batch-runs 3 --batch-warmup 1 --wrk-threads 1 --output bench/results/latest --user-path 1]
//   [-- --projects-only --runs 3 --connections 32 --output bench/results/projects]   only scenario 10 (membership check)
//   [-- --sequencing-only --sequencing-runs 7 --output bench/results/sequencing]   only scenario 7 (about 3 min)
//   [-- --webhooks-only --connections 8 --output bench/results/webhooks]   only scenario 9 (webhooks)
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(90));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;
WrkTarget.Threads = options.WrkThreads;

// Sequencing: the worst single request to the index check and the kit parser; `-- --only worst-input` runs it alone.
if (WorstInputBenchmark.Only(args))
{
    var worst = WorstInputBenchmark.FromArgs(args).Run();
    Console.WriteLine(worst.Table());
    await worst.WriteAloneAsync(options.Output, MachineState("after"), ct);
    return;
}

// Sequencing: the index-collision check, in process and before any AppHost starts; `-- --only index-check` runs it alone.
var indexCheck = IndexCheckBenchmark.FromArgs(args).Run();
Console.WriteLine(indexCheck.Table());
if (IndexCheckBenchmark.Only(args))
{
    await indexCheck.WriteAloneAsync(options.Output, MachineState("after"), ct);
    return;
}
var load = new LoadSettings(TimeSpan.FromSeconds(options.WarmUpSeconds), TimeSpan.FromSeconds(options.DurationSeconds), options.Runs, options.Connections);
if (args.Contains("--replicas-only"))
{
    // The scale-out scenario alone (ReplicaScenario): one and two replicas of every service, side by side.
    Console.WriteLine(MachineState("before"));
    var replicaTables = await ReplicaScenario.RunAsync(load, ct);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    await File.WriteAllTextAsync($"{options.Output}-replicas.md", $"{MachineState("before")}\n\n{replicaTables}\n{MachineState("after")}\n", ct);
    Console.WriteLine(MachineState("after"));
    return;
}
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

if (args.Contains("--webhooks-only"))
{
    // Scenario 9 alone (issue 23): an active webhook subscription's cost on sample creation, and delivery latency at rest.
    await using var only = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
    await ServiceProcess.ResolveAsync(only, ct);
    var tables = await WebhookScenario.RunAsync(only, load, latencySamples: 50, ct);
    var text = $"{before}  \n{MachineState("after")}  \n" +
        $"Command: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`\n\n{tables}";
    Console.WriteLine(text);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
    await File.WriteAllTextAsync(options.Output + ".md", text, ct);
    return;
}

if (args.Contains("--projects-only"))
{
    // Scenario 10 alone (issue 21): the membership check on the cached read by barcode, member against staff.
    await using var only = await BenchmarkHost.StartAsync(BenchmarkHost.LoadTestSettings, ct);
    await ServiceProcess.ResolveAsync(only, ct);
    var (projectReads, projectBaseline) = await ProjectReadScenario.CreateAsync(only, ct);
    await using (projectBaseline)
    {
        await projectReads.RunAsync(load, ct);
    }
    var text = $"{before}  \n{MachineState("after")}  \n" +
        $"Command: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`\n\n{projectReads.Table()}";
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

var (reads, baselines) = await ReadByBarcodeScenario.CreateAsync(host, ct);
await using (baselines)
{
    await reads.RunAsync(load, ct);
}
Console.WriteLine(reads.Table());

var creates = await CreateSampleScenario.CreateAsync(host, ct);
await creates.RunAsync(load, ct);
Console.WriteLine(creates.Table());

var submissions = await RunAsync(host, [new SubmissionScenario(options.Samples), new PsqlCopyScenario(options.Samples)], warmUp: 1, options.SubmissionRuns);
var submissionTable = Measurement.Table(submissions);
Console.WriteLine(submissionTable);

// The batch endpoint alone vs binary COPY, and a CSV export of everything inserted (kept from the first harness).
var inserts = await RunAsync(
    host, [new BatchCreateScenario(options.Samples), new RawCopyBaselineScenario(options.Samples)], options.BatchWarmUp, options.BatchRuns);
var exports = await RunAsync(host, [new CsvExportScenario()], warmUp: 1, runs: 3);
var sequencing = await RunAsync(host, SequencingScenarios.Create(), warmUp: 3, runs: options.SequencingRuns);
// Memory held after the largest submissions and exports: peak during them, then idle once they are over.
await sampling.CancelAsync();
await sampler;
await memory.MeasureIdleAfterAsync(ct);

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

// Scenario 1b: the path a user meets, `dotnet run` of the AppHost on its fixed ports, against a bare gateway hop.
LoadComparison? userPath = null;
string? userPathNote = null;
if (options.UserPath && UserPathScenario.PortFree())
{
    var (scenario, comparison) = await UserPathScenario.StartAsync(RepositoryRoot(), ct);
    await using (scenario)
    {
        await comparison.RunAsync(load, ct);
    }
    userPath = comparison;
    Console.WriteLine(userPath.Table());
}
else
{
    userPathNote = options.UserPath
        ? "Scenario 1b (the user's path through :8000) was skipped: port 8000 was taken (a development instance running)."
        : "Scenario 1b (the user's path through :8000) was not run (--user-path 0).";
    Console.WriteLine(userPathNote);
}

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
report.AppendLine(CultureInfo.InvariantCulture,
    $"Command: `dotnet run -c Release --project bench/TracSeq.Benchmarks -- {string.Join(' ', args)}`; " +
    $"settings: {options}; whole run {total.Elapsed.TotalMinutes:F1} min.").AppendLine();
report.AppendLine(reads.Table()).AppendLine(userPath?.Table() ?? userPathNote).AppendLine(creates.Table()).AppendLine(instrumentation.Table());
report.AppendLine("### 4. A 10,000-row CSV submission end to end").AppendLine().AppendLine(submissionTable);
report.AppendLine("### 5. AppHost cold start to every resource healthy").AppendLine();
report.AppendLine("Fresh data folder each time (initdb, migrations, admin account), projects already built, all 16 resources healthy " +
    "(postgres, 4 databases, redis, prometheus, alertmanager, 3 exporters, 5 services).").AppendLine();
report.AppendLine("| run | seconds | load 1m |").AppendLine("|---|---:|---:|");
foreach (var (c, i) in coldStarts.Select((c, i) => (c, i + 1)))
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {i} | {c.Seconds:F1} | {c.Load:F2} |");
}
var coldMedian = coldStarts.Count > 0 ? LoadComparison.Median(coldStarts.Select(c => c.Seconds)) : double.NaN;
report.AppendLine(CultureInfo.InvariantCulture, $"| median | {coldMedian:F1} | |").AppendLine();
report.AppendLine(CultureInfo.InvariantCulture,
    $"The benchmark stacks themselves (gateway rate limit lifted) started in {mainStart.TotalSeconds:F1} s (first, idle machine) " +
    $"and {offStart.TotalSeconds:F1} s (second, beside the first).").AppendLine();
report.AppendLine(memory.Table());
report.AppendLine(indexCheck.Table());
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
        indexCheck.Json(),
        new { name = reads.Scenario, rows = reads.Rows },
        new { name = userPath?.Scenario ?? "1b. user path (not run)", rows = userPath?.Rows },
        new { name = creates.Scenario, rows = creates.Rows },
        new { name = instrumentation.Scenario, rows = instrumentation.Rows },
        new { name = "4. submission", runs = submissions.Select(Runs) },
        new
        {
            name = "5. cold start",
            seconds = coldStarts.Select(c => c.Seconds),
            loads = coldStarts.Select(c => c.Load),
            median = coldMedian,
            benchmarkStacks = new[] { mainStart.TotalSeconds, offStart.TotalSeconds },
        },
        new { name = "6. memory MiB", idleBefore = memory.IdleBefore, peakUnderLoad = memory.PeakUnderLoad, idleAfter = memory.IdleAfter },
        new { name = "7. sequencing", runs = sequencing.Select(Runs) },
        new { name = "batch", runs = inserts.Concat(exports).Select(Runs) },
    },
}, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }), ct);
Console.WriteLine($"Wrote {options.Output}.md and {options.Output}.json");

static object Runs(Measurement m) =>
    new { m.Scenario.Name, seconds = m.Runs.Select(r => r.TotalSeconds), median = m.Median.TotalSeconds, loads = m.Loads };

string Targets()
{
    // Every verdict comes from the median of paired ratios (each run against its baseline's run of the same minute).
    var text = new StringBuilder(
        "### Against the targets\n\n" +
        "Each figure is the median of the paired per-run ratios, min–max in brackets; \"met\" reads the median only.\n\n" +
        "| target | connections | measured | met |\n|---|---:|---|---|\n");
    void Line(string target, string conns, string measured, bool met) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {conns} | {measured} | {(met ? "yes" : "no")} |");
    static string Ratio(LoadRow r) => string.Create(CultureInfo.InvariantCulture, $"{r.Ratio:F2} ({r.MinRatio:F2}–{r.MaxRatio:F2})");
    foreach (var conns in options.Connections)
    {
        var r = reads.Row(ReadByBarcodeScenario.Gateway, conns);
        Line("cached read through the gateway ÷ bare YARP + JWT → bare endpoint ≥ 0.60", $"{conns}", Ratio(r), r.Ratio >= 0.6);
    }
    foreach (var conns in options.Connections)
    {
        var r = reads.Row(ReadByBarcodeScenario.Direct, conns);
        Line("Samples direct cached read ÷ bare endpoint reading the JSON from Redis ≥ 0.50", $"{conns}", Ratio(r), r.Ratio >= 0.5);
    }
    if (userPath is not null)
    {
        foreach (var conns in options.Connections)
        {
            var r = userPath.Row(UserPathScenario.Target, conns);
            Line("the user's path (`dotnet run`, :8000) ÷ bare YARP + JWT → bare endpoint ≥ 0.60", $"{conns}", Ratio(r), r.Ratio >= 0.6);
        }
    }
    foreach (var conns in options.Connections)
    {
        var r = creates.Rows.First(r => r.Connections == conns);
        Line("create through the gateway ÷ raw Npgsql insert (sample + audit row) ≥ 0.60", $"{conns}", Ratio(r), r.Ratio >= 0.6);
    }
    foreach (var conns in options.Connections)
    {
        var r = instrumentation.Rows.First(r => !r.IsBaseline && r.Connections == conns);
        Line("instrumentation overhead on Samples (1 − on ÷ off) < 5 %", $"{conns}",
            string.Create(CultureInfo.InvariantCulture, $"{1 - r.Ratio:P1} ({1 - r.MaxRatio:P1} to {1 - r.MinRatio:P1})"), 1 - r.Ratio < 0.05);
    }
    var submission = submissions[0];
    var (times, min, max) = Measurement.PairedRatio(submission, submissions[1]);
    Line($"{options.Samples:N0}-row CSV submission through the gateway < 1.0 s", "1",
        string.Create(CultureInfo.InvariantCulture,
            $"{submission.Median.TotalSeconds:F2} s ({submission.Min.TotalSeconds:F2}–{submission.Max.TotalSeconds:F2})"),
        submission.Median.TotalSeconds < 1.0);
    Line($"{options.Samples:N0}-row CSV submission ≤ 8 × `psql \\copy`", "1",
        string.Create(CultureInfo.InvariantCulture, $"{times:F1} × ({min:F1}–{max:F1})"), times <= 8);
    var idle = memory.IdleBefore.Values.Concat(memory.IdleAfter.Values).DefaultIfEmpty(double.NaN).Max();
    var peak = memory.PeakUnderLoad.Values.DefaultIfEmpty(double.NaN).Max();
    Line("RSS per service idle ≤ 100 MiB (highest service, before and after load)", "", $"{idle:F0} MiB", idle <= 100);
    Line("RSS per service peak under load ≤ 200 MiB (highest service)", "", $"{peak:F0} MiB", peak <= 200);
    Line("cold start < 30 s", "", string.Create(CultureInfo.InvariantCulture, $"{coldMedian:F1} s (median of {coldStarts.Count})"), coldMedian < 30);
    return text.ToString();
}

async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkHost on, IBenchmarkScenario[] scenarios, int warmUp, int runs)
{
    foreach (var scenario in scenarios)
    {
        await scenario.PrepareAsync(on, ct);
    }
    // Not timed: tiered JIT and PGO keep recompiling for seconds under load.
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
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    return string.Create(CultureInfo.InvariantCulture,
        $"Machine {when} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC): {Environment.ProcessorCount} cores ({cpu ?? "?"}), " +
        $"{long.Parse(memTotal, CultureInfo.InvariantCulture) / 1024 / 1024.0:F1} GiB, load average {loadavg}, {RuntimeInformation.OSDescription}, " +
        $".NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug (use -c Release)")}");
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "TracSeq.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}

static bool IsRelease() =>
    typeof(Measurement).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

internal sealed record BenchmarkOptions(
    int DurationSeconds, int WarmUpSeconds, int Runs, IReadOnlyList<int> Connections, int SubmissionRuns, int ColdStarts,
    int Samples, int BatchRuns, int BatchWarmUp, int WrkThreads, string Output, int SequencingRuns, bool UserPath)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Runs} × {DurationSeconds} s after {WarmUpSeconds} s warm-up at {string.Join(" and ", Connections)} connections (wrk -t{WrkThreads}), " +
        $"{SubmissionRuns} submissions, {ColdStarts} cold starts, {Samples:N0} rows, {BatchRuns} batch runs");

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
            Read("wrk-threads", 1), Raw("output") ?? "bench/results/latest", Read("sequencing-runs", 7), Raw("user-path") != "0");
    }
}
