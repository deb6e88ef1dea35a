using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TracSeq.Sequencing.Libraries;
using TracSeq.Sequencing.Runs;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Outbox;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Results;

/// <summary>
/// One import, all or nothing, the run row locked so two imports of one run queue: check the run and the flow cell,
/// answer the current version when the same files come again, else merge the job into the current version, compute the
/// results, decide the library verdicts over all runs, and store a new version.
/// </summary>
public static class ResultsImporter
{
    public sealed record Outcome(int Status, ResultsDto? Results, ResultsImportException? Refusal, ResultsDocument? Document);

    public static readonly IReadOnlyList<string> ImportableStatuses = [RunStatuses.Sequencing, RunStatuses.Completed, RunStatuses.Failed];

    public static async Task<Outcome> ImportAsync(
        NpgsqlDataSource db, ClaimsPrincipal user, Guid runId, ResultsUpload.Upload upload, JobData job, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var run = await ResultsStore.LockRunAsync(connection, tx, runId, forUpdate: true);
        if (run is null)
        {
            return new(StatusCodes.Status404NotFound, null, null, null);
        }
        if (Check(run, job) is { } refusal)
        {
            return new(refusal.Status, null, refusal, null);
        }
        var current = await ResultsStore.VersionAsync(connection, runId, null, tx);
        if (current is not null && current.Jobs.TryGetValue(upload.Job, out var same) && same.Files.SequenceEqual(upload.Checksums))
        {
            return new(StatusCodes.Status200OK, await ResultsReader.ToDtoAsync(connection, runId, current, tx), null, null);
        }
        var jobs = new Dictionary<string, StoredJob>(current?.Jobs ?? new Dictionary<string, StoredJob>(), StringComparer.Ordinal)
        {
            [upload.Job] = new StoredJob(upload.Checksums, job),
        };
        var (context, document) = await ComputeAsync(connection, tx, run, jobs, upload);
        var version = (current?.Version ?? 0) + 1;
        var verdicts = await DecideAsync(connection, tx, runId, context, document);
        await StoreAsync(connection, tx, user, run, version, upload, jobs, document, verdicts);
        var stored = (await ResultsStore.VersionAsync(connection, runId, version, tx))!;
        var dto = await ResultsReader.ToDtoAsync(connection, runId, stored, tx);
        await tx.CommitAsync(ct);
        ResultsMetrics.Imported(runId, document, verdicts.Where(v => v.Changed).Select(v => v.Verdict));
        return new(StatusCodes.Status201Created, dto, null, document);
    }

    /// <summary>The results of every job of the new version, with the upload's ignored files and each job's checksums.</summary>
    private static async Task<(RunContext Context, ResultsDocument Document)> ComputeAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, ResultsRun run, Dictionary<string, StoredJob> jobs, ResultsUpload.Upload upload)
    {
        var ordered = jobs.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => j.Value.Data).ToList();
        var prefixes = ordered.SelectMany(j => j.Unknown).GroupBy(u => u.Lane).SelectMany(l => l.OrderByDescending(u => u.Reads).Take(100))
            .Where(u => u.Index.Length >= 6).Select(u => u.Index[..6]).Distinct().ToArray();
        var context = await ResultsStore.LoadContextAsync(connection, tx, run, prefixes);
        var document = ResultsCalculator.Compute(context, ordered);
        return (context, document with
        {
            Warnings = [.. document.Warnings, .. upload.Ignored.Where(n => n.Length > 0).Take(50).Select(n => $"{n} is not read by TracSeq and was ignored.")],
            Jobs = [.. document.Jobs.Select(j => j with { Files = jobs[j.Job].Files })],
        });
    }

    /// <summary>The new version, its verdicts, the audit event and the announcements, in the import's transaction.</summary>
    private static async Task StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimsPrincipal user, ResultsRun run, int version,
        ResultsUpload.Upload upload, Dictionary<string, StoredJob> jobs, ResultsDocument document,
        List<(Guid LibraryId, string Verdict, string Reason, long Reads, double Target, bool Changed, string? From)> verdicts)
    {
        var runVerdict = Verdicts.Verdicts.ForRun(verdicts.Select(v => v.Verdict));
        await ResultsStore.InsertVersionAsync(
            connection, tx, run.Id, version, upload.Job, Fingerprint(upload), upload.Checksums, jobs, document, runVerdict, user.GetUserId());
        await ResultsStore.InsertVerdictsAsync(connection, tx, user, run.Id, version,
            [.. verdicts.Select(v => (v.LibraryId, v.Verdict, v.Reason, v.Reads, v.Target, v.Changed))]);
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.Run, run.Id, "results_imported",
            new { version, job = upload.Job, files = upload.Checksums, verdict = runVerdict });
        await AnnounceAsync(connection, tx, run, document, verdicts);
    }

    /// <summary>The run must be sequencing, completed or failed, and the files from its flow cell.</summary>
    private static ResultsImportException? Check(ResultsRun run, JobData job)
    {
        if (!ImportableStatuses.Contains(run.Status))
        {
            return new ResultsImportException(StatusCodes.Status409Conflict, RunInfoReader.FileName, null,
                $"A run that is {run.Status} takes no results: it must be {string.Join(", ", ImportableStatuses)}.");
        }
        return job.RunInfo.Flowcell.Equals(run.FlowcellId, StringComparison.OrdinalIgnoreCase)
            ? null
            : new ResultsImportException(StatusCodes.Status409Conflict, RunInfoReader.FileName, "<Run>/<Flowcell>",
                $"These files are from flow cell {job.RunInfo.Flowcell}, this run is on {run.FlowcellId}.");
    }

    /// <summary>Each library of the run over all its runs: this version's reads plus every other run's current ones.</summary>
    /// <summary>Webhook events, in the import's transaction: the run's results, and each library whose verdict moved.</summary>
    private static async Task AnnounceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ResultsRun run, ResultsDocument document,
        List<(Guid LibraryId, string Verdict, string Reason, long Reads, double Target, bool Changed, string? From)> verdicts)
    {
        await Outbox.AddAsync(connection, tx, OutboxEvent.Create(WebhookEventTypes.RunResultsImported,
            new RunResultsImportedData(run.Id, run.Name, document.Libraries.Select(l => l.LibraryId).Distinct().Count())));
        var moved = verdicts.Where(v => v.From != v.Verdict).ToList();
        var labels = await ResultsStore.LibraryLabelsAsync(connection, tx, [.. moved.Select(v => v.LibraryId)]);
        foreach (var v in moved)
        {
            var (barcode, project) = labels[v.LibraryId];
            await Outbox.AddAsync(connection, tx, OutboxEvent.Create(WebhookEventTypes.LibraryVerdictChanged,
                new LibraryVerdictChangedData(v.LibraryId, barcode, run.Id, v.From, v.Verdict, project), project));
        }
    }

    private static async Task<List<(Guid LibraryId, string Verdict, string Reason, long Reads, double Target, bool Changed, string? From)>> DecideAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId, RunContext context, ResultsDocument document)
    {
        var ids = document.Libraries.Select(l => l.LibraryId).Distinct().ToArray();
        var elsewhere = await ResultsStore.ElsewhereReadsAsync(connection, tx, runId, ids);
        var previous = await ResultsStore.LatestVerdictsAsync(connection, ids, tx);
        var settings = context.Libraries.DistinctBy(l => l.LibraryId).ToDictionary(l => l.LibraryId);
        var result = new List<(Guid, string, string, long, double, bool, string?)>();
        foreach (var here in document.Libraries.GroupBy(l => l.LibraryId))
        {
            var other = elsewhere.GetValueOrDefault(here.Key);
            var reads = here.Sum(l => l.Reads) + other.Reads;
            var library = settings[here.Key];
            var target = library.TargetReads is { } t ? t : here.Sum(l => l.ExpectedReads) + other.Expected;
            var (verdict, reason) = Verdicts.Verdicts.ForLibrary(reads, target, library.TargetReads is not null, library.NegativeControl);
            var known = previous.TryGetValue(here.Key, out var before);
            var changed = !known || before.Verdict != verdict || before.Reason != reason;
            result.Add((here.Key, verdict, reason, reads, target, changed, known ? before.Verdict : null));
        }
        return result;
    }

    private static string Fingerprint(ResultsUpload.Upload upload) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            upload.Job + "\n" + string.Join("\n", upload.Checksums.Select(f => $"{f.Name}:{f.Sha256}")))));
}

/// <summary>A stored version as the API answers it, with each library's current verdict (over all its runs).</summary>
public static class ResultsReader
{
    public static async Task<ResultsDto> ToDtoAsync(NpgsqlConnection connection, Guid runId, StoredVersion version, NpgsqlTransaction? tx = null)
    {
        var doc = version.Document;
        var verdicts = await ResultsStore.LatestVerdictsAsync(connection, [.. doc.Libraries.Select(l => l.LibraryId).Distinct()], tx);
        var libraries = doc.Libraries
            .Select(l => verdicts.TryGetValue(l.LibraryId, out var v) ? l with { Verdict = v.Verdict, Reason = v.Reason } : l)
            .ToList();
        return new ResultsDto(runId, version.Version, version.ImportedAt, version.Files, doc.Warnings, doc.Unmatched, doc.Lanes, libraries,
            doc.Findings, doc.Jobs, doc.FlowcellType, version.Verdict, version.ImportedBy);
    }
}
