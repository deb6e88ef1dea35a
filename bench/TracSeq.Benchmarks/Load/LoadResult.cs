using System.Globalization;

namespace TracSeq.Benchmarks.Load;

/// <summary>One timed run at a fixed number of connections.</summary>
public sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, long Requests, long Errors, double LoadAverage)
{
    /// <summary>CPU (user + system) of the serving processes per request, in µs; NaN when not measured.</summary>
    public double CpuMicrosPerRequest { get; init; } = double.NaN;

    /// <summary>The 1-minute load average, read when a run ends.</summary>
    public static double CurrentLoad() =>
        File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
            : double.NaN;

    /// <summary>Percentiles of latencies measured in the harness (the raw-insert baseline), in milliseconds.</summary>
    public static LoadResult FromLatencies(List<double> latenciesMs, TimeSpan elapsed, long errors)
    {
        latenciesMs.Sort();
        double At(double q) => latenciesMs.Count == 0 ? double.NaN : latenciesMs[Math.Min(latenciesMs.Count - 1, (int)Math.Ceiling(q * latenciesMs.Count) - 1)];
        return new LoadResult(latenciesMs.Count / elapsed.TotalSeconds, At(0.50), At(0.90), At(0.99), latenciesMs.Count, errors, CurrentLoad());
    }
}

/// <summary>Something a load is put on: an HTTP endpoint driven by wrk, or an in-process baseline.</summary>
public interface ILoadTarget
{
    string Name { get; }

    Task<LoadResult> RunAsync(int connections, TimeSpan duration, CancellationToken ct);
}
