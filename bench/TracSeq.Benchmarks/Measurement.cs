using System.Globalization;
using System.Text;

namespace TracSeq.Benchmarks;

/// <summary>The timed runs of one scenario.</summary>
public sealed class Measurement(IBenchmarkScenario scenario)
{
    private readonly List<TimeSpan> _runs = [];
    private readonly List<double> _loads = [];

    public IBenchmarkScenario Scenario => scenario;

    public IReadOnlyList<TimeSpan> Runs => _runs;

    /// <summary>The 1-minute load average when each run ended.</summary>
    public IReadOnlyList<double> Loads => _loads;

    public void Add(TimeSpan run)
    {
        _runs.Add(run);
        _loads.Add(Load.LoadResult.CurrentLoad());
    }

    public TimeSpan Median
    {
        get
        {
            var sorted = _runs.Order().ToList();
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public TimeSpan Min => _runs.Min();

    public TimeSpan Max => _runs.Max();

    /// <summary>A Markdown table: median, min, max per scenario and the median as a multiple of the baseline's.</summary>
    public static string Table(IReadOnlyList<Measurement> measurements)
    {
        var baseline = measurements.FirstOrDefault(m => m.Scenario.IsBaseline);
        var text = new StringBuilder();
        text.AppendLine("| scenario | runs | median | min | max | items/s (median) | × baseline, paired: median (min–max) | load 1m |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in measurements)
        {
            var ratio = baseline is null || m == baseline ? "" : PairedRatio(m, baseline) is var (median, min, max)
                ? string.Create(CultureInfo.InvariantCulture, $"{median:0.0} ({min:0.0}–{max:0.0})") : "";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m.Scenario.Name} | {m.Runs.Count} | {Seconds(m.Median)} | {Seconds(m.Min)} | {Seconds(m.Max)} | " +
                $"{m.Scenario.ItemsPerRun / m.Median.TotalSeconds:N0} | {ratio} | {m.Loads.Min():F1}–{m.Loads.Max():F1} |"));
        }
        foreach (var notes in measurements.Select(m => m.Scenario.Notes).OfType<string>())
        {
            text.AppendLine().AppendLine(notes);
        }
        return text.ToString();
    }

    /// <summary>Run k of <paramref name="m"/> divided by run k of the baseline (they ran back to back): median, min, max.</summary>
    public static (double Median, double Min, double Max) PairedRatio(Measurement m, Measurement baseline)
    {
        var ratios = m.Runs.Zip(baseline.Runs, (a, b) => a / b).ToList();
        return (Load.LoadComparison.Median(ratios), ratios.Min(), ratios.Max());
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000 's'", CultureInfo.InvariantCulture);
}
