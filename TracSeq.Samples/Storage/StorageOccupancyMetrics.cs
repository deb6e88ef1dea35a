using Dapper;
using Npgsql;
using Prometheus;

namespace TracSeq.Samples.Storage;

/// <summary>
/// <c>tracseq_storage_occupied_positions{location}</c>: occupied positions per box (labelled with the box barcode),
/// read from PostgreSQL when Prometheus scrapes. Reading at scrape time keeps the figure right whichever instance
/// made the change, and a box that is relabelled drops its old series.
/// </summary>
public sealed class StorageOccupancyMetrics(NpgsqlDataSource db, ILogger<StorageOccupancyMetrics> logger)
{
    // Well under Prometheus's scrape timeout (2 s at the tests' 2 s interval): with PostgreSQL gone the scrape must
    // still answer in time, or Samples itself looks down (TracSeqServiceDown) when the database is what is down.
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    private static readonly Gauge OccupiedPositions = Metrics.CreateGauge(
        "tracseq_storage_occupied_positions", "Occupied positions per storage box (label: the box barcode).",
        new GaugeConfiguration { LabelNames = ["location"] });

    private readonly Lock _publishing = new();
    private HashSet<string> _published = [];

    public void Register() => Metrics.DefaultRegistry.AddBeforeCollectCallback(RefreshAsync);

    private async Task RefreshAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            await using var connection = await db.OpenConnectionAsync(timeout.Token);
            var boxes = (await connection.QueryAsync<(string Barcode, long Occupied)>(new CommandDefinition(
                """
                SELECT l.barcode, count(s.id) FROM storage_locations l
                LEFT JOIN samples s ON s.location_id = l.id AND s.position IS NOT NULL
                WHERE l.kind = 'box' GROUP BY l.barcode
                """, cancellationToken: timeout.Token))).ToList();
            lock (_publishing)
            {
                foreach (var (barcode, occupied) in boxes)
                {
                    OccupiedPositions.WithLabels(barcode).Set(occupied);
                }
                var current = boxes.Select(b => b.Barcode).ToHashSet(StringComparer.Ordinal);
                foreach (var gone in _published.Except(current))
                {
                    OccupiedPositions.RemoveLabelled(gone);
                }
                _published = current;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The scrape still answers with the last known figures; PostgresDown alerts on the real problem.
            logger.LogWarning("Storage occupancy not refreshed: {Message}", ex.Message);
        }
    }
}
