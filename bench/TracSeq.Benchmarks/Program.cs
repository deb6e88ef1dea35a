using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TracSeq.Benchmarks;
using TracSeq.Benchmarks.Scenarios;

// dotnet run -c Release --project bench/TracSeq.Benchmarks [-- --samples 10000 --runs 7 --warmup 3]
var options = BenchmarkOptions.Parse(args);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

Console.WriteLine(MachineState("before"));
var startClock = Stopwatch.StartNew();
await using var host = await BenchmarkHost.StartAsync(cancel.Token);
Console.WriteLine($"AppHost (local mode) healthy in {startClock.Elapsed.TotalSeconds:F1} s");

// Groups run one after the other; within a group runs alternate between scenarios, so drift in the machine's load
// hits them alike, and each is compared to the group's baseline measured in the same minutes.
var inserts = await RunAsync([new BatchCreateScenario(options.Samples), new RawCopyBaselineScenario(options.Samples)], options.WarmUp, options.Runs);
var exports = await RunAsync([new CsvExportScenario()], warmUp: 1, runs: 3);

Console.WriteLine();
Console.WriteLine($"Inserting {options.Samples:N0} samples per run: {options.Runs} timed runs per scenario after {options.WarmUp} warm-up runs, interleaved.");
Console.WriteLine(Measurement.Table(inserts));
Console.WriteLine("Exporting every sample the runs above created: 3 timed runs after 1 warm-up run.");
Console.WriteLine(Measurement.Table(exports));
Console.WriteLine(MachineState("after"));

async Task<IReadOnlyList<Measurement>> RunAsync(IBenchmarkScenario[] scenarios, int warmUp, int runs)
{
    foreach (var scenario in scenarios)
    {
        await scenario.PrepareAsync(host, cancel.Token);
    }
    // Not timed: tiered JIT and PGO keep recompiling for seconds under load (shared/platform.md).
    for (var run = 1; run <= warmUp; run++)
    {
        foreach (var scenario in scenarios)
        {
            var t = await scenario.RunOnceAsync(-run, cancel.Token);
            Console.WriteLine($"  warm-up {run}: {scenario.Name}: {t.TotalSeconds:F3} s");
        }
    }
    var measurements = scenarios.Select(s => new Measurement(s)).ToList();
    for (var run = 1; run <= runs; run++)
    {
        foreach (var m in measurements)
        {
            var t = await m.Scenario.RunOnceAsync(run, cancel.Token);
            m.Add(t);
            Console.WriteLine($"  run {run}: {m.Scenario.Name}: {t.TotalSeconds:F3} s");
        }
    }
    return measurements;
}

static string MachineState(string when)
{
    var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
    return string.Create(CultureInfo.InvariantCulture,
        $"Machine {when}: {Environment.ProcessorCount} cores, load average {load}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(IsRelease() ? "Release" : "Debug (use -c Release)")}");
}

static bool IsRelease() =>
    typeof(Measurement).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

internal sealed record BenchmarkOptions(int Samples, int Runs, int WarmUp)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        int Read(string name, int fallback)
        {
            var index = Array.IndexOf(args, $"--{name}");
            return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : fallback;
        }
        return new BenchmarkOptions(Read("samples", 10_000), Read("runs", 7), Read("warmup", 3));
    }
}
