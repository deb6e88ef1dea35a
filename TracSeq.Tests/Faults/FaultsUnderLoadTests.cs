using System.Diagnostics;
using System.Text.Json;
using TracSeq.Tests.Infrastructure;
using TracSeq.Tests.Templates;
using Xunit.Abstractions;

namespace TracSeq.Tests.Faults;

/// <summary>
/// Faults under a steady mixed load (see <see cref="MixedLoad"/>), one at a time, all on loopback: each part is taken
/// away until its alert reaches the webhook, then brought back. The clients may see 503s and dropped connections
/// while it is gone; afterwards every kind of request succeeds again, every client that retried with its key got its
/// answer, and the database holds exactly what the clients were told, with complete audit trails.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class FaultsUnderLoadTests(FaultAppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan GatewayProbeInterval = TimeSpan.FromSeconds(2); // the gateway's active health checks

    private readonly TemplateLab _lab = new(fixture);

    [Fact]
    public Task Redis_killed_and_started_again() => RunAsync(new Fault(
        "Redis killed (SIGKILL), started again", "RedisDown", Job: null,
        Inject: () => KillAsync("cache"),
        Repair: () => fixture.StartResourceAsync("cache")));

    [Fact]
    public Task PostgreSQL_killed_and_started_again() => RunAsync(new Fault(
        "PostgreSQL killed (SIGKILL), started again", "PostgresDown", Job: null,
        Inject: () => KillAsync("postgres"),
        Repair: () => fixture.StartResourceAsync("postgres")));

    [Fact]
    public Task Samples_stopped_during_submissions_and_started_again() => RunAsync(new Fault(
        "Samples stopped during submissions, started again", "TracSeqServiceDown", Job: "samples",
        Inject: () => fixture.StopResourceAsync("samples"),
        Repair: () => fixture.StartResourceAsync("samples")));

    [Fact]
    public Task Gateway_stopped_and_started_again() => RunAsync(new Fault(
        "Gateway stopped, started again", "TracSeqServiceDown", Job: "gateway",
        Inject: () => fixture.StopResourceAsync("gateway"),
        Repair: () => fixture.StartResourceAsync("gateway")));

    private sealed record Fault(string Name, string Alert, string? Job, Func<Task> Inject, Func<Task> Repair);

    private async Task RunAsync(Fault fault)
    {
        await using var load = await MixedLoad.StartAsync(_lab, fixture.Gateway);
        await Task.Delay(Steady);

        var injected = load.Now;
        var injectedAt = DateTimeOffset.UtcNow;
        TimeSpan alertAfter, repaired, backToServing;
        await fault.Inject();
        var stopped = load.Now; // the stop command has returned: the process is gone
        try
        {
            await fixture.AlertReceiver.WaitForAsync(n => Fires(n, fault, injectedAt), AlertTimeout, $"firing {fault.Alert}");
            alertAfter = load.Now - injected;
        }
        catch (TimeoutException e)
        {
            using var prometheus = fixture.CreateClient("prometheus");
            throw new TimeoutException(
                $"{e.Message[..Math.Min(300, e.Message.Length)]}\nTargets: {await prometheus.GetStringAsync("/api/v1/targets?state=active")}\n" +
                $"Alerts: {await prometheus.GetStringAsync("/api/v1/alerts")}", e);
        }
        finally
        {
            // Whatever happened, the next fault starts from a whole system.
            repaired = load.Now;
            await fault.Repair(); // returns once the part and every service are healthy again
            backToServing = load.Now - repaired;
        }
        var recovered = await load.WaitForRecoveryAsync(repaired, RecoveryTimeout);
        await Task.Delay(Steady);
        await load.StopAsync();

        var check = await Reconciliation.CheckAsync(load, _lab.Samples);
        var outcome = new FaultOutcome(fault.Name, load.Now, load.Attempts,
            InFlightAtFault: load.Attempts.Count(a => a.Operation == Operation.Submit && a.At <= injected && a.At + a.Took >= injected),
            alertAfter, fault.Alert, backToServing, recovered, load.Creates.Count, load.Submissions.Count,
            load.Submissions.Sum(s => s.SampleIds.Count), load.Moves.Count, check);
        fixture.Record(outcome);
        output.WriteLine(FaultOutcome.Table([outcome]));

        outcome.Unexpected.ShouldBeEmpty("every answer is a success or a 503: " + string.Join("; ", outcome.Unexpected.Take(10)));
        // Requests in flight at the moment a part dies may be cut off: under Aspire the local proxy in front of a dead
        // process holds their connections open, so those clients wait for their own timeout and retry (with their
        // key). Every request sent after that gets an answer quickly, a 503 at worst, except
        // - while the gateway itself is gone: nothing answers on port 8000 (Aspire's proxy there holds new connections
        //   too) until it is back;
        // - a stopped service: the gateway takes it out of its routes at its next /alive probe (every 2 s); what it
        //   forwarded before that meets the same held connection.
        var unanswerable = fault.Job switch
        {
            "gateway" => repaired,
            null => stopped,
            _ => stopped + GatewayProbeInterval + TimeSpan.FromSeconds(1),
        };
        load.Attempts.Where(a => a.Error == nameof(TaskCanceledException) && a.At > unanswerable)
            .ShouldBeEmpty($"no request hangs for {MixedLoad.RequestTimeout}");
        load.Creates.Count.ShouldBe(load.TriedNames.Count, "every create was answered 201 in the end, with its key");
        load.Submissions.Count.ShouldBe(load.TriedPrefixes.Count, "every upload was answered 201 in the end, with its key");
        load.Attempts.Count(a => a.Operation == Operation.Create && a.At > repaired && a.Succeeded).ShouldBeGreaterThan(0, "load held after the repair");
        check.ShouldBe(new Reconciliation(0, 0, 0, 0, 0, 0, 0, 0), "nothing lost, nothing twice, every audit trail complete");
        load.Attempts.Count(a => a.At >= repaired + recovered && !a.Succeeded)
            .ShouldBe(0, "once every kind of request has recovered, none fails again");
    }

    private static bool Fires(JsonElement notification, Fault fault, DateTimeOffset after) =>
        notification.GetProperty("alerts").EnumerateArray().Any(a =>
            Label(a, "alertname") == fault.Alert && (fault.Job is null || Label(a, "job") == fault.Job) &&
            a.GetProperty("status").GetString() == "firing" &&
            DateTimeOffset.Parse(a.GetProperty("startsAt").GetString()!) >= after);

    private static string? Label(JsonElement alert, string name) =>
        alert.GetProperty("labels").TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>Kills the resource's process outright, as the kernel's OOM killer or a crash would.</summary>
    private Task KillAsync(string resource)
    {
        fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state).ShouldBeTrue(resource);
        var pid = AppHostFixture.ProcessId(state!.Snapshot) ?? throw new InvalidOperationException($"DCP reports no process for {resource}.");
        using var process = Process.GetProcessById(pid);
        process.Kill(); // SIGKILL; not our child, so there is nothing to wait on: its alert says when it is seen gone
        return Task.CompletedTask;
    }
}
