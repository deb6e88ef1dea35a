using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace TracSeq.Benchmarks.Scenarios;

/// <summary>
/// The floor under the batch endpoint: the same rows (samples and one audit event each) written straight into
/// <c>samplesdb</c> by Npgsql binary COPY in one transaction, with nothing else: no HTTP, JSON, validation or
/// idempotency. The batch endpoint's time is read as a multiple of this, measured in the same run.
/// </summary>
public sealed class RawCopyBaselineScenario(int count) : IBenchmarkScenario
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _prefix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(); // unique per benchmark process
    private string _connectionString = "";
    private IReadOnlyList<SampleRow> _rows = [];

    public bool IsBaseline => true;

    public long ItemsPerRun => count;

    public string Name => $"raw Npgsql binary COPY, same rows ({count:N0} samples + events)";

    public async Task PrepareAsync(BenchmarkHost host, CancellationToken ct)
    {
        _connectionString = await host.ConnectionStringAsync("samplesdb");
        _rows = SampleRows.Create(count);
    }

    public async Task<TimeSpan> RunOnceAsync(int run, CancellationToken ct)
    {
        var actor = Guid.NewGuid();
        var ids = _rows.Select(_ => Guid.CreateVersion7()).ToArray();
        var metadata = _rows.Select(r => JsonSerializer.Serialize(r.Metadata, Json)).ToArray();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(ct);

        var clock = Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var samples = await connection.BeginBinaryImportAsync(
            """
            COPY samples (id, barcode, name, sample_type, status, project_code, volume, concentration, collected_at, metadata, created_by)
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            for (var i = 0; i < _rows.Count; i++)
            {
                var row = _rows[i];
                await samples.StartRowAsync(ct);
                await samples.WriteAsync(ids[i], NpgsqlDbType.Uuid, ct);
                await samples.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"BASE-{_prefix}-{run:D3}-{i:D6}"), NpgsqlDbType.Text, ct);
                await samples.WriteAsync(row.Name, NpgsqlDbType.Text, ct);
                await samples.WriteAsync(row.SampleType, NpgsqlDbType.Text, ct);
                await samples.WriteAsync("pending", NpgsqlDbType.Text, ct);
                await samples.WriteAsync(row.ProjectCode, NpgsqlDbType.Text, ct);
                await samples.WriteAsync(row.Volume, NpgsqlDbType.Numeric, ct);
                await samples.WriteAsync(row.Concentration, NpgsqlDbType.Numeric, ct);
                await samples.WriteAsync(row.CollectedAt, NpgsqlDbType.TimestampTz, ct);
                await samples.WriteAsync(metadata[i], NpgsqlDbType.Jsonb, ct);
                await samples.WriteAsync(actor, NpgsqlDbType.Uuid, ct);
            }
            await samples.CompleteAsync(ct);
        }
        await using (var events = await connection.BeginBinaryImportAsync(
            "COPY sample_events (sample_id, type, actor_id, to_status, changes) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < _rows.Count; i++)
            {
                await events.StartRowAsync(ct);
                await events.WriteAsync(ids[i], NpgsqlDbType.Uuid, ct);
                await events.WriteAsync("created", NpgsqlDbType.Text, ct);
                await events.WriteAsync(actor, NpgsqlDbType.Uuid, ct);
                await events.WriteAsync("pending", NpgsqlDbType.Text, ct);
                var changes = JsonSerializer.Serialize(new[] { new { field = "name", old = (string?)null, @new = _rows[i].Name } }, Json);
                await events.WriteAsync(changes, NpgsqlDbType.Jsonb, ct);
            }
            await events.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        clock.Stop();
        return clock.Elapsed;
    }
}
