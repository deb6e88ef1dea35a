namespace TracSeq.Benchmarks;

/// <summary>
/// One thing to time against a running TracSeq. Scenarios are separate classes so new ones (other endpoints, load
/// tests) can be added without touching the runner.
/// </summary>
public interface IBenchmarkScenario
{
    /// <summary>Short name for the results table.</summary>
    string Name { get; }

    /// <summary>Whether the other scenarios of its group are compared to this one (a ratio in the table).</summary>
    bool IsBaseline => false;

    /// <summary>What one run handles (samples inserted, rows exported), for the throughput column.</summary>
    long ItemsPerRun { get; }

    /// <summary>Anything else the scenario observed, printed under the table.</summary>
    string? Notes => null;

    /// <summary>Once, before any run: sign in, build request bodies, open connections.</summary>
    Task PrepareAsync(BenchmarkHost host, CancellationToken ct);

    /// <summary>One run; returns the time the measured work took (setup of the run excluded).</summary>
    Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct);
}
