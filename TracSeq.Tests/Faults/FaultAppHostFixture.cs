using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using TracSeq.AppHost.Hosting.Prometheus;
using TracSeq.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TracSeq.Tests.Faults;

/// <summary>
/// An AppHost of its own for the fault suite, so killing Redis or stopping PostgreSQL never disturbs another test.
/// The outage alerts wait 10 s instead of the shipped minute (each fault is held until its alert fires), and the
/// gateway's per-user limit is lifted so the load measures the faults, not the limiter.
/// </summary>
public sealed class FaultAppHostFixture(IMessageSink diagnostics) : AppHostFixture(diagnostics, replicas: 1, settings:
[
    $"--{OutageAlertRules.Setting}=10s",
    // PostgreSQL as shipped (fsync and synchronous commit on): "every 201 is in the database" must hold across a
    // crash, which the other tests' faster setting does not promise.
    "--TracSeq:DurableStorage=true",
    // A 5 s scrape (and so a 5 s scrape timeout) as in a small production setup, not the other tests' 2 s: the
    // exporters' own connection timeouts (PostgreSQL's client waits at least 2 s) must fit inside it.
    "--TracSeq:ScrapeIntervalSeconds=5",
    "--TracSeq:Services:gateway:Gateway:RateLimits:PerUserPerMinute=1000000",
])
{
    private readonly ConcurrentQueue<FaultOutcome> _outcomes = new();

    public Uri Gateway => App.GetEndpoint("gateway", "http");

    public void Record(FaultOutcome outcome) => _outcomes.Enqueue(outcome);

    /// <summary>
    /// The figures of every fault run, as a Markdown table: next to the test assembly, and where
    /// <c>TRACSEQ_FAULT_REPORT</c> points (CI keeps it with the test results).
    /// </summary>
    public override async Task DisposeAsync()
    {
        if (!_outcomes.IsEmpty)
        {
            var report = FaultOutcome.Table([.. _outcomes.OrderBy(o => o.Fault, StringComparer.Ordinal)]);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "fault-report.md"), report);
            if (Environment.GetEnvironmentVariable("TRACSEQ_FAULT_REPORT") is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, report);
            }
        }
        await base.DisposeAsync();
    }
}

/// <summary>One fault under load: what the clients saw and what the database shows afterwards.</summary>
public sealed record FaultOutcome(
    string Fault, TimeSpan LoadDuration, IReadOnlyList<Attempt> Attempts, int InFlightAtFault, TimeSpan AlertAfter,
    string Alert, TimeSpan BackToServing, TimeSpan ClientsRecovered, int CreatesAnswered, int SubmissionsAnswered,
    int SamplesSubmitted, int MovesAnswered, Reconciliation Check)
{
    public int Answered => Attempts.Count(a => !a.Dropped);
    public int Succeeded => Attempts.Count(a => a.Succeeded);
    public int Unavailable => Attempts.Count(a => a.Status == 503);
    public int Dropped => Attempts.Count(a => a.Dropped);
    /// <summary>Answers a client could not live with: anything but a success, a 503, or an upload still processing.</summary>
    public IReadOnlyList<Attempt> Unexpected => [.. Attempts.Where(a => a.Status is >= 300 and not 503 && !a.StillProcessing)];

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault}{(InFlightAtFault > 0 ? $" ({InFlightAtFault} uploads in flight)" : "")} | {LoadDuration.TotalSeconds:F0} s | " +
        $"{Attempts.Count:N0} ({Attempts.Count / LoadDuration.TotalSeconds:F0}/s) | " +
        $"{Succeeded:N0} | {Unavailable:N0} | {Dropped:N0} | {Unexpected.Count} | {Attempts.Max(a => a.Took).TotalSeconds:F1} s | " +
        $"{Alert} after {AlertAfter.TotalSeconds:F0} s | {BackToServing.TotalSeconds:F1} s | {ClientsRecovered.TotalSeconds:F1} s | " +
        $"{CreatesAnswered} creates, {SubmissionsAnswered} uploads ({SamplesSubmitted} samples), {MovesAnswered} moves | " +
        $"{(Check.NothingLost ? "nothing lost" : Check.ToString())} |");

    public static string Table(IReadOnlyList<FaultOutcome> outcomes)
    {
        var table = new StringBuilder();
        table.AppendLine("| fault | load held | requests | 2xx | 503 | dropped | other | slowest | alert | serving again | clients recovered | " +
            "answered | database |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|");
        foreach (var outcome in outcomes)
        {
            table.AppendLine(outcome.Line());
        }
        return table.ToString();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultAppHostFixture>
{
    // Alone, after the other collections: its outages and its load must not share the two cores with other tests.
    public const string Name = "TracSeq faults under load";
}
