using System.Globalization;
using System.Text;

namespace TracSeq.Benchmarks.Load;

/// <summary>How long and how often each load runs.</summary>
public sealed record LoadSettings(TimeSpan WarmUp, TimeSpan Duration, int Runs, IReadOnlyList<int> Connections);

/// <summary>
/// Targets compared at each number of connections: each is warmed up (tiered JIT and PGO keep recompiling for ~10 s
/// under load), then timed runs alternate between the targets, so drift in the machine's load hits them alike. The
/// figure is the median of the runs; the ratio is against the baseline measured in the same minutes.
/// </summary>
public sealed class LoadComparison(string scenario, string question, IReadOnlyList<ILoadTarget> targets, int baselineIndex)
{
    public string Scenario => scenario;

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
                    $"  [{scenario}] warm-up c={connections} {target.Name}: {warm.RequestsPerSecond:F0} req/s, p50 {warm.P50Ms:F2} ms (load {warm.LoadAverage:F2})"));
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
                        $"  [{scenario}] run {run} c={connections} {targets[i].Name}: {result.RequestsPerSecond:F0} req/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms (load {result.LoadAverage:F2})"));
                }
            }
            var baselineRps = Median(runs[baselineIndex].Select(r => r.RequestsPerSecond));
            var baselineP50 = Median(runs[baselineIndex].Select(r => r.P50Ms));
            for (var i = 0; i < targets.Count; i++)
            {
                var rs = runs[i];
                var rps = Median(rs.Select(r => r.RequestsPerSecond));
                var p50 = Median(rs.Select(r => r.P50Ms));
                Rows.Add(new LoadRow(targets[i].Name, connections, i == baselineIndex, rs.Count, rps,
                    rs.Min(r => r.RequestsPerSecond), rs.Max(r => r.RequestsPerSecond),
                    p50, Median(rs.Select(r => r.P90Ms)), Median(rs.Select(r => r.P99Ms)),
                    rps / baselineRps, p50 / baselineP50, rs.Min(r => r.LoadAverage), rs.Max(r => r.LoadAverage), [.. rs]));
            }
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {scenario}").AppendLine().AppendLine(question).AppendLine();
        text.AppendLine("| target | conns | runs | req/s (median) | req/s min–max | p50 ms | p90 ms | p99 ms | req/s × baseline | p50 × baseline | load 1m |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Target}{(r.IsBaseline ? " (baseline)" : "")} | {r.Connections} | {r.Runs} | {r.RequestsPerSecond:N0} | {r.MinRequestsPerSecond:N0}–{r.MaxRequestsPerSecond:N0} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.ThroughputRatio:P0} | {r.P50Ratio:F2} | {r.MinLoad:F1}–{r.MaxLoad:F1} |"));
        }
        foreach (var note in Notes)
        {
            text.AppendLine().AppendLine(note);
        }
        return text.ToString();
    }
}

public sealed record LoadRow(
    string Target, int Connections, bool IsBaseline, int Runs, double RequestsPerSecond, double MinRequestsPerSecond, double MaxRequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, double ThroughputRatio, double P50Ratio, double MinLoad, double MaxLoad, IReadOnlyList<LoadResult> AllRuns);
