using System.Diagnostics;
using Npgsql;

namespace TracSeq.Benchmarks.Baselines;

using TracSeq.Benchmarks.Load;

/// <summary>
/// The floor under a create: the harness itself, at the same concurrency as wrk's connections, writes what
/// <c>POST /api/samples</c> writes (a sample with a barcode from the same sequence, and its <c>created</c> audit
/// event) in one transaction per row, through Npgsql's pool, straight into <c>samplesdb</c>. No HTTP, JSON,
/// authentication, validation or read-back. Latency is timed per transaction in the harness.
/// </summary>
public sealed class RawInsertTarget(string connectionString) : ILoadTarget
{
    private const string InsertSample =
        """
        INSERT INTO samples (id, barcode, name, sample_type, status, project_id, project_code, volume, concentration, collected_at, metadata, created_by)
        VALUES (@id, 'RAW-' || nextval('sample_barcode_seq'), @name, 'dna', 'pending', @project, 'BENCH-2025', 50, 12.5,
                @collected, '{"donor":"D-0001"}'::jsonb, @actor)
        """;

    private const string InsertEvent =
        """
        INSERT INTO sample_events (sample_id, type, actor_id, actor_email, actor_name, to_status, changes)
        VALUES (@id, 'created', @actor, 'admin@tracseq.local', 'Bench', 'pending', '[{"field":"name","old":null,"new":"Benchmark sample"}]'::jsonb)
        """;

    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 64 });
    private readonly Guid _actor = Guid.NewGuid();

    public string Name => "raw Npgsql: sample + audit row, 1 tx";

    private Guid? _project;

    public async Task<LoadResult> RunAsync(int connections, TimeSpan duration, CancellationToken ct)
    {
        // The project the API's samples name, looked up once (the scenario creates it before any run).
        await using (var lookup = _db.CreateCommand("SELECT id FROM projects WHERE code = 'BENCH-2025'"))
        {
            _project ??= (Guid)(await lookup.ExecuteScalarAsync(ct))!;
        }
        var latencies = new List<double>[connections];
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var end = clock.Elapsed + duration;
        var workers = Enumerable.Range(0, connections).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(16_384);
            while (clock.Elapsed < end && !ct.IsCancellationRequested)
            {
                var start = clock.Elapsed;
                try
                {
                    await InsertOneAsync(ct);
                    mine.Add((clock.Elapsed - start).TotalMilliseconds);
                }
                catch (PostgresException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        if (errors > 0)
        {
            throw new InvalidOperationException($"{Name}: {errors} failed transactions.");
        }
        return LoadResult.FromLatencies([.. latencies.SelectMany(l => l)], elapsed, errors);
    }

    private async Task InsertOneAsync(CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var sample = new NpgsqlCommand(InsertSample, connection, tx))
        {
            sample.Parameters.AddWithValue("id", id);
            sample.Parameters.AddWithValue("name", "Benchmark sample");
            sample.Parameters.AddWithValue("collected", DateTime.UtcNow.AddHours(-1));
            sample.Parameters.AddWithValue("actor", _actor);
            sample.Parameters.AddWithValue("project", _project!.Value);
            await sample.ExecuteNonQueryAsync(ct);
        }
        await using (var audit = new NpgsqlCommand(InsertEvent, connection, tx))
        {
            audit.Parameters.AddWithValue("id", id);
            audit.Parameters.AddWithValue("actor", _actor);
            await audit.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
