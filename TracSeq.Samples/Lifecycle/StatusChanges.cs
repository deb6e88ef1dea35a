using TracSeq.ServiceDefaults.Outbox;
using Npgsql;
using Prometheus;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Samples;

namespace TracSeq.Samples.Lifecycle;

/// <summary>What a status change left behind, per sample.</summary>
public sealed record ChangedStatus(Guid Id, string Barcode, string From, string To, int Version);

/// <summary>
/// Writes status changes the state machine has allowed: the rows, one audit event each, in the caller's transaction.
/// Receiving stamps <c>received_at</c>; discarding frees the sample's storage position (the tube is gone).
/// </summary>
public static class StatusChanges
{
    private const int CopyThreshold = 20; // beyond a handful of events, one COPY beats one INSERT each

    public static readonly Counter Transitions = Metrics.CreateCounter(
        "tracseq_sample_status_transitions_total", "Sample status changes, by from and to status.",
        new CounterConfiguration { LabelNames = ["from", "to"] });

    /// <summary>Every move's series at zero from the start: rate() and increase() need the series before the first event.</summary>
    public static void PublishInitialSeries()
    {
        foreach (var (from, to) in SampleStatusMachine.AllMoves)
        {
            Transitions.WithLabels(from, to);
        }
    }

    public static async Task<IReadOnlyList<ChangedStatus>> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor,
        IReadOnlyList<Sample> samples, string to, string? reason, CancellationToken ct)
    {
        var rows = await SampleStore.SetStatusAsync(connection, transaction, samples.Select(s => s.Id).ToArray(), to);
        var events = samples.Select(sample => EventOf(sample, rows[sample.Id].ReceivedAt, to, reason)).ToList();
        await WriteEventsAsync(connection, transaction, actor, events, ct);
        await Outbox.AddManyAsync(connection, transaction, SampleWebhookEvents.StatusChanged(samples, to), ct);
        return [.. samples.Select(s => new ChangedStatus(s.Id, s.Barcode, s.Status, to, rows[s.Id].Version))];
    }

    /// <summary>The status change, with the receipt time it stamped and the storage position a discard freed.</summary>
    private static NewSampleEvent EventOf(Sample sample, DateTime? receivedAt, string to, string? reason)
    {
        var changes = new List<SampleChange> { new("status", sample.Status, to) };
        if (to == SampleStatus.Received)
        {
            changes.Add(new SampleChange("receivedAt", sample.ReceivedAt, receivedAt));
        }
        var location = sample.ToEventLocation();
        if (to == SampleStatus.Discarded && location is not null)
        {
            changes.Add(new SampleChange("location", location, null));
            location = null;
        }
        return new NewSampleEvent(sample.Id, SampleEventTypes.StatusChanged, sample.Status, to, changes, reason, location);
    }

    private static async Task WriteEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor, List<NewSampleEvent> events, CancellationToken ct)
    {
        if (events.Count > CopyThreshold)
        {
            await SampleEventLog.WriteManyAsync(connection, actor, events, ct);
            return;
        }
        foreach (var e in events)
        {
            await SampleEventLog.WriteAsync(connection, transaction, actor, e);
        }
    }

    /// <summary>Counts committed changes; call after commit so a rolled-back change is never counted.</summary>
    public static void Count(IEnumerable<ChangedStatus> changed)
    {
        foreach (var group in changed.GroupBy(c => (c.From, c.To)))
        {
            Transitions.WithLabels(group.Key.From, group.Key.To).Inc(group.Count());
        }
    }
}
