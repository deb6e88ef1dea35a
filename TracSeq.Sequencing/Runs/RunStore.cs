using System.Security.Claims;
using Dapper;
using Npgsql;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Runs;

/// <summary>The SQL of the runs, run_lanes and run_status_changes tables, and the locks run planning takes.</summary>
public static class RunStore
{
    /// <summary>A new planned run with its lanes.</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CreateRunRequest request, string? chemistry,
        ReadCycles reads, IReadOnlyList<(int Lane, Guid PoolId)> lanes, int m1, int m2, Guid createdBy)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO runs (id, name, instrument, chemistry, flowcell_id, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                              barcode_mismatches_index1, barcode_mismatches_index2, status, created_by)
            VALUES (@id, @name, @Instrument, @chemistry, @flowcellId, @Read1Cycles, @Read2Cycles, @Index1Cycles, @Index2Cycles, @m1, @m2, 'planned', @createdBy)
            """,
            new
            {
                id, name = request.Name!.Trim(), request.Instrument, chemistry, flowcellId = request.FlowcellId!.Trim(), reads.Read1Cycles,
                reads.Read2Cycles, reads.Index1Cycles, reads.Index2Cycles, m1, m2, createdBy,
            }, tx);
        await connection.ExecuteAsync("INSERT INTO run_lanes (run_id, lane, pool_id) VALUES (@id, @Lane, @PoolId)",
            lanes.Distinct().Select(l => new { id, l.Lane, l.PoolId }), tx);
    }

    /// <summary>
    /// Locks the run's pools, then their libraries, each in id order: the order pool creation and library edits take
    /// too, so a library's index cannot change between this check and the run's commit, and two runs cannot take one
    /// pool at once. Returns the pools that exist.
    /// </summary>
    public static async Task<HashSet<Guid>> LockPoolsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds) =>
        (await connection.QueryAsync<Guid>("SELECT id FROM pools WHERE id = ANY(@poolIds) ORDER BY id FOR UPDATE", new { poolIds }, tx)).ToHashSet();

    public static async Task<ILookup<Guid, LaneLibrary>> LockMembersAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds)
    {
        await connection.ExecuteAsync(
            "SELECT id FROM libraries WHERE id IN (SELECT library_id FROM pool_libraries WHERE pool_id = ANY(@poolIds)) ORDER BY id FOR SHARE",
            new { poolIds }, tx);
        return (await connection.QueryAsync<(Guid PoolId, Guid Id, string Barcode, Guid SampleId, string Index1, string? Index2)>(
            """
            SELECT pl.pool_id, l.id, l.barcode, l.sample_id, l.index1, l.index2
            FROM pool_libraries pl JOIN libraries l ON l.id = pl.library_id WHERE pl.pool_id = ANY(@poolIds) ORDER BY pl.position
            """, new { poolIds }, tx)).ToLookup(m => m.PoolId, m => new LaneLibrary(m.Id, m.Barcode, m.SampleId, m.Index1, m.Index2));
    }

    /// <summary>The pools among <paramref name="poolIds"/> already on a planned or sequencing run, by pool barcode.</summary>
    public static async Task<List<(string Pool, string Run, string Status)>> PoolsOnActiveRunsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] poolIds) =>
        (await connection.QueryAsync<(string Pool, string Run, string Status)>(
            """
            SELECT DISTINCT p.barcode, r.name, r.status FROM run_lanes rl JOIN runs r ON r.id = rl.run_id JOIN pools p ON p.id = rl.pool_id
            WHERE rl.pool_id = ANY(@poolIds) AND r.status IN ('planned', 'sequencing') ORDER BY p.barcode
            """, new { poolIds }, tx)).ToList();

    /// <summary>Locks the run for a status change; null when there is none.</summary>
    public static Task<(Guid Id, string Name, string Status)?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Status)?>(
            "SELECT id, name, status FROM runs WHERE id = @id FOR UPDATE", new { id }, tx);

    public static Task<bool> ExistsAsync(NpgsqlConnection connection, Guid id) =>
        connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM runs WHERE id = @id)", new { id });

    /// <summary>The samples of every library on the run, in id order.</summary>
    public static async Task<List<Guid>> SampleIdsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id) =>
        (await connection.QueryAsync<Guid>(
            """
            SELECT DISTINCT l.sample_id FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id
            JOIN libraries l ON l.id = pl.library_id WHERE rl.run_id = @id ORDER BY l.sample_id
            """, new { id }, tx)).ToList();

    /// <summary>The run's new status; on completion its active libraries become sequenced.</summary>
    public static async Task SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string to, TimeProvider clock)
    {
        await connection.ExecuteAsync("UPDATE runs SET status = @to, updated_at = @now WHERE id = @id", new { id, to, now = clock.GetUtcNow() }, tx);
        if (to == RunStatuses.Completed)
        {
            await connection.ExecuteAsync(
                """
                UPDATE libraries SET status = 'sequenced', updated_at = @now
                WHERE status = 'active' AND id IN (
                    SELECT pl.library_id FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id WHERE rl.run_id = @id)
                """, new { id, now = clock.GetUtcNow() }, tx);
        }
    }

    public static Task RecordStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, Guid runId, string? from, string to, string? reason) =>
        connection.ExecuteAsync(
            """
            INSERT INTO run_status_changes (run_id, from_status, to_status, reason, actor_id, actor_email, trace_id)
            VALUES (@runId, @from, @to, @reason, @actorId, @actorEmail, @traceId)
            """,
            new
            {
                runId, from, to, reason, actorId = user.GetUserId(), actorEmail = user.GetEmail(),
                traceId = System.Diagnostics.Activity.Current?.TraceId.ToHexString(),
            },
            tx);

    public static async Task<RunDto?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null)
    {
        var run = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, int Read1Cycles,
            int Read2Cycles, int Index1Cycles, int Index2Cycles, short M1, short M2, string Status, DateTime CreatedAt, DateTime UpdatedAt)>(
            """
            SELECT id, name, instrument, chemistry, flowcell_id, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                   barcode_mismatches_index1, barcode_mismatches_index2, status, created_at, updated_at
            FROM runs WHERE id = @id
            """, new { id }, tx);
        if (run.Id == Guid.Empty)
        {
            return null;
        }
        var rows = (await connection.QueryAsync<(short Lane, Guid PoolId, string PoolBarcode, string PoolName, Guid? LibraryId, string? Barcode, string? Name,
            Guid? SampleId, string? SampleBarcode, string? Index1, string? Index2)>(
            """
            SELECT rl.lane, p.id, p.barcode, p.name, l.id, l.barcode, l.name, l.sample_id, l.sample_barcode, l.index1, l.index2
            FROM run_lanes rl JOIN pools p ON p.id = rl.pool_id
            LEFT JOIN pool_libraries pl ON pl.pool_id = p.id LEFT JOIN libraries l ON l.id = pl.library_id
            WHERE rl.run_id = @id ORDER BY rl.lane, p.barcode, pl.position
            """, new { id }, tx)).ToList();
        var lanes = rows.GroupBy(r => r.Lane).Select(lane => new RunLaneDto(lane.Key, [.. lane.GroupBy(r => (r.PoolId, r.PoolBarcode, r.PoolName))
            .Select(p => new RunPoolDto(p.Key.PoolId, p.Key.PoolBarcode, p.Key.PoolName, [.. p.Where(r => r.LibraryId is not null)
                .Select(r => new RunLibraryDto(
                    r.LibraryId!.Value, r.Barcode!, r.Name!, r.SampleId!.Value, r.SampleBarcode!, r.Index1!, r.Index2))]))]))
            .ToList();
        var samples = rows.Where(r => r.SampleId is not null).Select(r => new RunSampleDto(r.SampleId!.Value, r.SampleBarcode!))
            .DistinctBy(s => s.Id).OrderBy(s => s.Barcode, StringComparer.Ordinal).ToList();
        var history = await connection.QueryAsync<RunStatusChangeDto>(
            """
            SELECT from_status AS "from", to_status AS "to", reason, actor_id AS actorid, actor_email AS actoremail, at, trace_id AS traceid
            FROM run_status_changes WHERE run_id = @id ORDER BY id
            """, new { id }, tx);
        var (resultsImportedAt, verdict) = await Results.ResultsStore.RunSummaryAsync(connection, id, tx);
        return new RunDto(run.Id, run.Name, run.Instrument, run.Chemistry, run.FlowcellId,
            new ReadCycles(run.Read1Cycles, run.Read2Cycles, run.Index1Cycles, run.Index2Cycles), run.M1, run.M2, run.Status,
            lanes, samples, [.. history], run.CreatedAt, run.UpdatedAt, resultsImportedAt, verdict);
    }
}
