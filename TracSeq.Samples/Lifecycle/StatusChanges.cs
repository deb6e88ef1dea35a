using TracSeq.ServiceDefaults.Outbox;
using TracSeq.Samples.Webhooks;
using Dapper;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.Samples.Samples;
using TracSeq.Samples.Storage;

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

    public static async Task<IReadOnlyList<ChangedStatus>> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor,
        IReadOnlyList<Sample> samples, string to, string? reason, CancellationToken ct)
    {
        var rows = (await connection.QueryAsync<(Guid Id, int Version, DateTime? ReceivedAt)>(
            """
            UPDATE samples SET status = @to,
                   received_at = CASE WHEN @to = 'received' THEN now() ELSE received_at END,
                   location_id = CASE WHEN @to = 'discarded' THEN NULL ELSE location_id END,
                   position = CASE WHEN @to = 'discarded' THEN NULL ELSE position END,
                   version = version + 1, updated_at = now()
            WHERE id = ANY(@ids)
            RETURNING id, version, received_at
            """,
            new { to, ids = samples.Select(s => s.Id).ToArray() }, transaction)).ToDictionary(r => r.Id);

        var events = samples.Select(sample =>
        {
            var row = rows[sample.Id];
            var changes = new List<SampleChange> { new("status", sample.Status, to) };
            if (to == SampleStatus.Received)
            {
                changes.Add(new SampleChange("receivedAt", sample.ReceivedAt, row.ReceivedAt));
            }
            var location = SamplePlacementApi.EventLocationOf(sample);
            if (to == SampleStatus.Discarded && location is not null)
            {
                changes.Add(new SampleChange("location", location, null));
                location = null;
            }
            return new NewSampleEvent(sample.Id, SampleEventTypes.StatusChanged, sample.Status, to, changes, reason, location);
        }).ToList();

        if (events.Count > CopyThreshold)
        {
            await SampleEventLog.WriteManyAsync(connection, actor, events, ct);
        }
        else
        {
            foreach (var e in events)
            {
                await SampleEventLog.WriteAsync(connection, transaction, actor, e);
            }
        }
        await Outbox.AddManyAsync(connection, transaction, SampleWebhookEvents.StatusChanged(samples, to), ct);
        return [.. samples.Select(s => new ChangedStatus(s.Id, s.Barcode, s.Status, to, rows[s.Id].Version))];
    }

    /// <summary>Counts committed changes; call after commit so a rolled-back change is never counted.</summary>
    public static void Count(IEnumerable<ChangedStatus> changed)
    {
        foreach (var group in changed.GroupBy(c => (c.From, c.To)))
        {
            SampleMetrics.StatusTransitions.WithLabels(group.Key.From, group.Key.To).Inc(group.Count());
        }
    }
}
