using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Sequencing.Runs;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Results;

/// <summary>A run as the import sees it.</summary>
public sealed record ResultsRun(Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId, ReadCycles Reads, int M1, int M2, string Status);

/// <summary>One job of a version: the files it came from and what was read from them.</summary>
public sealed record StoredJob(IReadOnlyList<ImportedFile> Files, JobData Data);

/// <summary>A stored version of a run's results.</summary>
public sealed record StoredVersion(
    int Version, string Job, IReadOnlyList<ImportedFile> Files, IReadOnlyDictionary<string, StoredJob> Jobs, ResultsDocument Document,
    string Verdict, Guid ImportedBy, DateTime ImportedAt);

/// <summary>A library's reads over all runs (each run's current version) and its latest verdict.</summary>
public sealed record LibraryRunReads(Guid RunId, long Reads);

public sealed record LibraryResultsSummary(long SequencedReads, IReadOnlyList<LibraryRunReads> Runs, string? Verdict, string? VerdictReason);

/// <summary>The SQL of run results: versions, library reads, verdicts and thresholds. Rows are only ever added.</summary>
public static class ResultsStore
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<ResultsRun?> LockRunAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, bool forUpdate)
    {
        var r = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string Instrument, string? Chemistry, string FlowcellId,
            int R1, int R2, int I1, int I2, short M1, short M2, string Status)?>(
            $"""
            SELECT id, name, instrument, chemistry, flowcell_id, read1_cycles, read2_cycles, index1_cycles, index2_cycles,
                   barcode_mismatches_index1, barcode_mismatches_index2, status
            FROM runs WHERE id = @id{(forUpdate ? " FOR UPDATE" : "")}
            """, new { id }, tx);
        return r is { } x
            ? new ResultsRun(x.Id, x.Name, x.Instrument, x.Chemistry, x.FlowcellId, new ReadCycles(x.R1, x.R2, x.I1, x.I2), x.M1, x.M2, x.Status)
            : null;
    }

    /// <summary>
    /// The run's libraries per lane, every kit's wells and i5 indices, the libraries of other pools whose i7 starts like
    /// one of <paramref name="i7Prefixes"/> (the most-read unknown barcodes: at most 100 a lane), and the thresholds.
    /// </summary>
    public static async Task<RunContext> LoadContextAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ResultsRun run, string[] i7Prefixes)
    {
        var libraries = await connection.QueryAsync<(short Lane, Guid PoolId, Guid Id, string Barcode, string Index1, string? Index2, long? Target,
            bool Negative, string? Kit, string? Well)>(
            """
            SELECT rl.lane, rl.pool_id, l.id, l.barcode, l.index1, l.index2, l.target_reads, l.negative_control, l.kit_name, l.well
            FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id JOIN libraries l ON l.id = pl.library_id
            WHERE rl.run_id = @id ORDER BY rl.lane, l.barcode
            """, new { id = run.Id }, tx);
        var wells = await connection.QueryAsync<(string Kit, string Well, string I7, string? I5)>(
            """
            SELECT k.name::text, w.well, i7.sequence, i5.sequence
            FROM index_kit_wells w JOIN index_kits k ON k.id = w.kit_id
            JOIN index_kit_indices i7 ON i7.kit_id = w.kit_id AND i7.read = 1 AND i7.name = w.i7_name
            LEFT JOIN index_kit_indices i5 ON i5.kit_id = w.kit_id AND i5.read = 2 AND i5.name = w.i5_name
            UNION ALL
            SELECT k.name::text, '', '', i.sequence FROM index_kit_indices i JOIN index_kits k ON k.id = i.kit_id WHERE i.read = 2
            """, transaction: tx);
        var elsewhere = await connection.QueryAsync<(string Barcode, string Pool, string I7, string? I5)>(
            """
            SELECT DISTINCT ON (l.id) l.barcode, p.name, l.index1, l.index2
            FROM libraries l JOIN pool_libraries pl ON pl.library_id = l.id JOIN pools p ON p.id = pl.pool_id
            WHERE left(l.index1, 6) = ANY(@i7Prefixes)
              AND l.id NOT IN (SELECT pl2.library_id FROM run_lanes rl JOIN pool_libraries pl2 ON pl2.pool_id = rl.pool_id WHERE rl.run_id = @id)
            ORDER BY l.id LIMIT 10000
            """, new { id = run.Id, i7Prefixes }, tx);
        return new RunContext(run.Id, run.Instrument, run.Chemistry, run.FlowcellId, run.Reads,
            [.. libraries.Select(l => new RunLibrary(l.Lane, l.PoolId, l.Id, l.Barcode, l.Index1, l.Index2, l.Target, l.Negative, l.Kit, l.Well))],
            [.. wells.Select(w => new KitWell(w.Kit, w.Well, w.I7, w.I5))],
            [.. elsewhere.Select(e => new ElsewhereLibrary(e.Barcode, e.Pool, e.I7, e.I5))],
            await ThresholdsAsync(connection, tx));
    }

    public static async Task<IReadOnlyList<QcThreshold>> ThresholdsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx = null) =>
        [.. await connection.QueryAsync<QcThreshold>(
            """
            SELECT instrument, flowcell_type AS flowcelltype, read1_cycles AS read1cycles, cluster_pf_millions AS clusterpfmillions,
                   q30_percent AS q30percent, reads_per_lane_millions AS readsperlanemillions, undetermined_max_percent AS undeterminedmaxpercent
            FROM qc_thresholds ORDER BY instrument, flowcell_type, read1_cycles
            """, transaction: tx)];

    public static async Task ReplaceThresholdsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<QcThreshold> rows)
    {
        await connection.ExecuteAsync("DELETE FROM qc_thresholds", transaction: tx);
        await connection.ExecuteAsync(
            """
            INSERT INTO qc_thresholds
                (instrument, flowcell_type, read1_cycles, cluster_pf_millions, q30_percent, reads_per_lane_millions, undetermined_max_percent)
            VALUES (@Instrument, @FlowcellType, @Read1Cycles, @ClusterPfMillions, @Q30Percent, @ReadsPerLaneMillions, @UndeterminedMaxPercent)
            """, rows, tx);
    }

    /// <summary>The latest version (or the one asked for), null when there is none.</summary>
    public static async Task<StoredVersion?> VersionAsync(NpgsqlConnection connection, Guid runId, int? version = null, NpgsqlTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(int Version, string Job, string Files, string Jobs, string Document, string Verdict,
            Guid ImportedBy, DateTime ImportedAt)?>(
            """
            SELECT version, job, files::text, jobs::text, document::text, verdict, imported_by, imported_at FROM run_result_versions
            WHERE run_id = @runId AND (@version::int IS NULL OR version = @version) ORDER BY version DESC LIMIT 1
            """, new { runId, version }, tx);
        return row is { } r
            ? new StoredVersion(r.Version, r.Job, JsonSerializer.Deserialize<List<ImportedFile>>(r.Files, Json)!,
                JsonSerializer.Deserialize<Dictionary<string, StoredJob>>(r.Jobs, Json)!, JsonSerializer.Deserialize<ResultsDocument>(r.Document, Json)!,
                r.Verdict, r.ImportedBy, r.ImportedAt)
            : null;
    }

    public static async Task<IReadOnlyList<ResultsVersionDto>> VersionsAsync(NpgsqlConnection connection, Guid runId)
    {
        var rows = await connection.QueryAsync<(int Version, string Job, DateTime ImportedAt, Guid ImportedBy, string Files, string Verdict)>(
            "SELECT version, job, imported_at, imported_by, files::text, verdict FROM run_result_versions " +
            "WHERE run_id = @runId ORDER BY version", new { runId });
        return [.. rows.Select(r => new ResultsVersionDto(
            r.Version, r.Job, r.ImportedAt, r.ImportedBy, JsonSerializer.Deserialize<List<ImportedFile>>(r.Files, Json)!, r.Verdict))];
    }

    /// <summary>Reads and expected reads of these libraries in every other run's current version.</summary>
    public static async Task<Dictionary<Guid, (long Reads, double Expected)>> ElsewhereReadsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId, Guid[] libraryIds)
    {
        var rows = await connection.QueryAsync<(Guid Id, long Reads, double Expected)>(
            """
            WITH current AS (SELECT run_id, max(version) AS version FROM run_result_versions WHERE run_id <> @runId GROUP BY run_id)
            SELECT r.library_id, sum(r.reads)::bigint, sum(r.expected_reads) FROM run_result_library_reads r
            JOIN current c ON c.run_id = r.run_id AND c.version = r.version
            WHERE r.library_id = ANY(@libraryIds) GROUP BY r.library_id
            """, new { runId, libraryIds }, tx);
        return rows.ToDictionary(r => r.Id, r => (r.Reads, r.Expected));
    }

    public static async Task<Dictionary<Guid, (string Verdict, string Reason)>> LatestVerdictsAsync(
        NpgsqlConnection connection, Guid[] libraryIds, NpgsqlTransaction? tx = null)
    {
        var rows = await connection.QueryAsync<(Guid Id, string Verdict, string Reason)>(
            "SELECT DISTINCT ON (library_id) library_id, verdict, reason FROM library_verdicts " +
            "WHERE library_id = ANY(@libraryIds) ORDER BY library_id, id DESC",
            new { libraryIds }, tx);
        return rows.ToDictionary(r => r.Id, r => (r.Verdict, r.Reason));
    }

    /// <summary>Each library's barcode and the project of its sample, for the events an import announces.</summary>
    public static async Task<Dictionary<Guid, (string Barcode, string? Project)>> LibraryLabelsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] libraryIds)
    {
        var rows = await connection.QueryAsync<(Guid Id, string Barcode, string? Project)>(
            "SELECT id, barcode, sample_project FROM libraries WHERE id = ANY(@libraryIds)", new { libraryIds }, tx);
        return rows.ToDictionary(r => r.Id, r => (r.Barcode, r.Project));
    }

    public static async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId, int version, string job, string fingerprint,
        IReadOnlyList<ImportedFile> files, IReadOnlyDictionary<string, StoredJob> jobs, ResultsDocument document, string verdict, Guid importedBy)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO run_result_versions (run_id, version, job, fingerprint, files, jobs, document, verdict, imported_by, trace_id)
            VALUES (@runId, @version, @job, @fingerprint, @files::jsonb, @jobs::jsonb, @document::jsonb, @verdict, @importedBy, @traceId)
            """,
            new
            {
                runId, version, job, fingerprint, files = JsonSerializer.Serialize(files, Json), jobs = JsonSerializer.Serialize(jobs, Json),
                document = JsonSerializer.Serialize(document, Json), verdict, importedBy, traceId = Activity.Current?.TraceId.ToHexString(),
            }, tx);
        var libraries = document.Libraries;
        await connection.ExecuteAsync(
            """
            INSERT INTO run_result_library_reads (run_id, version, lane, library_id, reads, expected_reads)
            SELECT @runId, @version, * FROM unnest(@lanes, @ids, @reads, @expected)
            """,
            new
            {
                runId, version, lanes = libraries.Select(l => (short)l.Lane).ToArray(), ids = libraries.Select(l => l.LibraryId).ToArray(),
                reads = libraries.Select(l => l.Reads).ToArray(), expected = libraries.Select(l => l.ExpectedReads).ToArray(),
            }, tx);
    }

    /// <summary>New verdict rows, and an audit record on each library whose verdict or reason changed.</summary>
    public static async Task InsertVerdictsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, Guid runId, int version,
        IReadOnlyList<(Guid LibraryId, string Verdict, string Reason, long Reads, double Target, bool Changed)> verdicts)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO library_verdicts (library_id, run_id, version, verdict, reason, sequenced_reads, target_reads)
            SELECT u.id, @runId, @version, u.verdict, u.reason, u.reads, u.target
            FROM unnest(@ids, @verdicts, @reasons, @reads, @targets) AS u(id, verdict, reason, reads, target)
            """,
            new
            {
                runId, version, ids = verdicts.Select(v => v.LibraryId).ToArray(), verdicts = verdicts.Select(v => v.Verdict).ToArray(),
                reasons = verdicts.Select(v => v.Reason).ToArray(), reads = verdicts.Select(v => v.Reads).ToArray(),
                targets = verdicts.Select(v => v.Target).ToArray(),
            }, tx);
        var changed = verdicts.Where(v => v.Changed).ToList();
        await connection.ExecuteAsync(
            """
            INSERT INTO sequencing_events (entity_kind, entity_id, type, details, actor_id, actor_email, actor_name, trace_id)
            SELECT @kind, u.id, 'verdict', u.details::jsonb, @actorId, @actorEmail, @actorName, @traceId FROM unnest(@ids, @details) AS u(id, details)
            """,
            new
            {
                kind = EntityKinds.Library, ids = changed.Select(v => v.LibraryId).ToArray(),
                details = changed
                    .Select(v => JsonSerializer.Serialize(new { verdict = v.Verdict, reason = v.Reason, sequencedReads = v.Reads, runId, version }, Json))
                    .ToArray(),
                actorId = user.GetUserId(), actorEmail = user.GetEmail(), actorName = user.FindFirstValue("name"),
                traceId = Activity.Current?.TraceId.ToHexString(),
            }, tx);
    }

    public static async Task<LibraryResultsSummary> LibrarySummaryAsync(NpgsqlConnection connection, Guid libraryId)
    {
        var runs = (await connection.QueryAsync<LibraryRunReads>(
            """
            WITH current AS (SELECT run_id, max(version) AS version FROM run_result_versions
                             WHERE run_id IN (SELECT run_id FROM run_result_library_reads WHERE library_id = @libraryId) GROUP BY run_id)
            SELECT r.run_id AS runid, sum(r.reads)::bigint AS reads FROM run_result_library_reads r
            JOIN current c ON c.run_id = r.run_id AND c.version = r.version WHERE r.library_id = @libraryId
            GROUP BY r.run_id ORDER BY r.run_id
            """, new { libraryId })).ToList();
        var verdict = (await LatestVerdictsAsync(connection, [libraryId])).GetValueOrDefault(libraryId);
        return new LibraryResultsSummary(runs.Sum(r => r.Reads), runs, verdict.Verdict, verdict.Reason);
    }

    /// <summary>When the run's results were last imported and the run's verdict then; nulls when never.</summary>
    public static async Task<(DateTime? ImportedAt, string? Verdict)> RunSummaryAsync(NpgsqlConnection connection, Guid runId, NpgsqlTransaction? tx = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(DateTime ImportedAt, string Verdict)?>(
            "SELECT imported_at, verdict FROM run_result_versions WHERE run_id = @runId ORDER BY version DESC LIMIT 1", new { runId }, tx);
        return row is { } r ? (r.ImportedAt, r.Verdict) : (null, null);
    }

    /// <summary>The run's sheet rows (lane, library, indices with i5 forward, project), as the sample sheet writes them.</summary>
    public static async Task<IReadOnlyList<(short Lane, Guid Id, string Barcode, string Name, string Index1, string? Index2, string? Project)>> SheetRowsAsync(
        NpgsqlConnection connection, Guid runId) =>
        [.. await connection.QueryAsync<(short Lane, Guid Id, string Barcode, string Name, string Index1, string? Index2, string? Project)>(
            """
            SELECT DISTINCT ON (rl.lane, l.id) rl.lane, l.id, l.barcode, l.name, l.index1, l.index2, l.sample_project
            FROM run_lanes rl JOIN pool_libraries pl ON pl.pool_id = rl.pool_id JOIN libraries l ON l.id = pl.library_id
            WHERE rl.run_id = @runId ORDER BY rl.lane, l.id
            """, new { runId })];
}
