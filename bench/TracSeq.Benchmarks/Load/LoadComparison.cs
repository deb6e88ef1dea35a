using System.Globalization;
using System.Text;

namespace TracSeq.Benchmarks.Load;

/// <summary>How long and how often each load runs.</summary>
public sealed record LoadSettings(TimeSpan WarmUp, TimeSpan Duration, int Runs, IReadOnlyList<int> Connections);

/// <summary>
/// Targets compared at each number of connections: each is warmed up (tiered JIT and PGO keep recompiling for ~10 s
/// under load), then timed runs alternate between the targets, so drift in the machine's load hits them alike.
/// Each target is compared with its own baseline (<c>baselineOf[i]</c>, the index of target i's baseline; a baseline
/// is its own) run by run: run k of the target divided by run k of its baseline, measured in the same minute. The
/// figure is the median of those paired ratios, with their min–max; a verdict comes from the median only.
/// </summary>
public sealed class LoadComparison(string scenario, string question, IReadOnlyList<ILoadTarget> targets, IReadOnlyList<int> baselineOf)
{
    public LoadComparison(string scenario, string question, IReadOnlyList<ILoadTarget> targets, int baselineIndex)
        : this(scenario, question, targets, [.. targets.Select(_ => baselineIndex)])
    {
    }

    public string Scenario => scenario;

    public IReadOnlyList<ILoadTarget> Targets => targets;

    public string Question => question;

    public List<LoadRow> Rows { get; } = [];

    public List<string> Notes { get; } = [];

    public async Task RunAsync(LoadSettings settings, CancellationToken ct, Action? duringLoad = null)
    {
        foreach (var connections in settings.Connections)
        {
            foreach (var target in targets)
            {
                var warm = await target.RunAsync(connections, settings.WarmUp, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [{scenario}] warm-up c={connections} {target.Name}: " +
                    $"{warm.RequestsPerSecond:F0} req/s, p50 {warm.P50Ms:F2} ms (load {warm.LoadAverage:F2})"));
            }
            var runs = targets.Select(_ => new List<LoadResult>()).ToList();
            for (var run = 1; run <= settings.Runs; run++)
            {
                for (var i = 0; i < targets.Count; i++)
                {
                    var result = await targets[i].RunAsync(connections, settings.Duration, ct);
                    duringLoad?.Invoke();
                    runs[i].Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [{scenario}] run {run} c={connections} {targets[i].Name}: {result.RequestsPerSecond:F0} req/s, " +
                        $"p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, CPU {result.CpuMicrosPerRequest:F0} µs/req (load {result.LoadAverage:F2})"));
                }
            }
            for (var i = 0; i < targets.Count; i++)
            {
                var rs = runs[i];
                var baseline = runs[baselineOf[i]];
                var paired = rs.Zip(baseline, (r, b) => r.RequestsPerSecond / b.RequestsPerSecond).ToList();
                var pairedP50 = rs.Zip(baseline, (r, b) => r.P50Ms / b.P50Ms).ToList();
                Rows.Add(new LoadRow(targets[i].Name, connections, baselineOf[i] == i, targets[baselineOf[i]].Name, rs.Count,
                    Median(rs.Select(r => r.RequestsPerSecond)), rs.Min(r => r.RequestsPerSecond), rs.Max(r => r.RequestsPerSecond),
                    Median(rs.Select(r => r.P50Ms)), Median(rs.Select(r => r.P90Ms)), Median(rs.Select(r => r.P99Ms)),
                    Median(paired), paired.Min(), paired.Max(), Median(pairedP50), Median(rs.Select(r => r.CpuMicrosPerRequest)),
                    rs.Min(r => r.LoadAverage), rs.Max(r => r.LoadAverage), [.. rs]));
            }
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public LoadRow Row(string target, int connections) => Rows.First(r => r.Target == target && r.Connections == connections);

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {scenario}").AppendLine().AppendLine(question).AppendLine();
        text.AppendLine("| target | conns | runs | req/s (median) | req/s min–max | p50 ms | p90 ms | p99 ms | CPU µs/req | " +
            "÷ baseline, paired: median (min–max) | baseline | p50 × baseline | load 1m |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var r in Rows)
        {
            var ratio = r.IsBaseline ? "baseline" : string.Create(CultureInfo.InvariantCulture, $"{r.Ratio:F2} ({r.MinRatio:F2}–{r.MaxRatio:F2})");
            var cpu = double.IsNaN(r.CpuMicrosPerRequest) ? "–" : r.CpuMicrosPerRequest.ToString("F0", CultureInfo.InvariantCulture);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Target} | {r.Connections} | {r.Runs} | {r.RequestsPerSecond:N0} | {r.MinRequestsPerSecond:N0}–{r.MaxRequestsPerSecond:N0} | " +
                $"{r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {cpu} | {ratio} | {(r.IsBaseline ? "" : r.Baseline)} | {r.P50Ratio:F2} | " +
                $"{r.MinLoad:F1}–{r.MaxLoad:F1} |"));
        }
        foreach (var note in Notes)
        {
            text.AppendLine().AppendLine(note);
        }
        return text.ToString();
    }
}

/// <summary>One target at one number of connections; <see cref="Ratio"/> is the median of the paired per-run ratios
/// of throughput to the baseline's (min–max beside it).</summary>
public sealed record LoadRow(
    string Target, int Connections, bool IsBaseline, string Baseline, int Runs, double RequestsPerSecond, double MinRequestsPerSecond,
    double MaxRequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double Ratio, double MinRatio, double MaxRatio, double P50Ratio,
    double CpuMicrosPerRequest, double MinLoad, double MaxLoad, IReadOnlyList<LoadResult> AllRuns);
