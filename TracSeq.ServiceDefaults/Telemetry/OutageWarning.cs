using Microsoft.Extensions.Logging;

namespace TracSeq.ServiceDefaults.Telemetry;

/// <summary>
/// A warning that would otherwise be written on every request while a dependency is down (Redis gone: every token
/// check, every rate-limit count, every cached read). It is written the first time, then at most once per
/// <see cref="Every"/>, saying how many like it were left out; the per-event figure is in the metrics. Without this a
/// Redis outage at a few hundred requests a second writes thousands of identical lines a second, which costs the
/// service CPU and buries the one line an operator needs.
/// </summary>
public sealed class OutageWarning(ILogger logger, string message)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    private long _nextAt;      // Environment.TickCount64 before which lines are only counted
    private long _leftOut;

    /// <summary>Writes <c>{message}: {detail}</c>, or counts it if one was written within <see cref="Every"/>.</summary>
    public void Write(string detail)
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextAt);
        if (now < next || Interlocked.CompareExchange(ref _nextAt, now + (long)Every.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _leftOut);
            return;
        }
        var leftOut = Interlocked.Exchange(ref _leftOut, 0);
        logger.LogWarning("{Message}: {Detail} ({LeftOut} more like it in the last {Seconds} s not logged)",
            message, detail, leftOut, (int)Every.TotalSeconds);
    }
}
