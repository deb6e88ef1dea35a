using Microsoft.Extensions.Logging;
using TracSeq.ServiceDefaults.Telemetry;

namespace TracSeq.UnitTests.Telemetry;

/// <summary>A dependency that is down for every request writes one warning, not one per request.</summary>
public sealed class OutageWarningTests
{
    private sealed class Lines : ILogger
    {
        public List<string> Written { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Written)
            {
                Written.Add($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }

    [Fact]
    public async Task A_thousand_failures_at_once_write_one_warning_and_count_the_rest_in_the_next()
    {
        var log = new Lines();
        var warning = new OutageWarning(log, "Redis unavailable");

        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => warning.Write($"failure {i}"))));

        log.Written.Count.ShouldBe(1);
        log.Written[0].ShouldStartWith("Warning: Redis unavailable: failure ");
        log.Written[0].ShouldEndWith("(0 more like it in the last 10 s not logged)");
    }
}
