using System.Text.Json;
using Dapper;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.Outbox;

namespace TracSeq.Templates.Submissions;

public static class SubmissionOutcome
{
    public const string Processing = "processing";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string DryRun = "dry_run";
    public const string Failed = "failed";
}

/// <summary>The answer to an upload, and what <c>GET /api/submissions/{id}</c> shows later.</summary>
public sealed record SubmissionReport(
    Guid SubmissionId, Guid TemplateId, int TemplateVersion, int Rows, int Accepted, int Rejected,
    IReadOnlyList<SubmissionError> Errors, int ErrorsOmitted, IReadOnlyList<Guid> SampleIds,
    string Outcome, bool DryRun, string FileName, Guid SubmittedBy, DateTime SubmittedAt, DateTime? CompletedAt);

public sealed record SubmissionSummary(
    Guid SubmissionId, Guid TemplateId, int TemplateVersion, string FileName, string Outcome, bool DryRun,
    int Rows, int Accepted, int Rejected, Guid SubmittedBy, DateTime SubmittedAt, DateTime? CompletedAt);

/// <summary>A row of <c>submissions</c>.</summary>
public sealed class Submission
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Guid Id { get; init; }
    public Guid TemplateId { get; init; }
    public int TemplateVersion { get; init; }
    public Guid SubmittedBy { get; init; }
    public DateTime SubmittedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public string FileName { get; init; } = "";
    public bool DryRun { get; init; }
    public string Outcome { get; init; } = "";
    public int Rows { get; init; }
    public int Accepted { get; init; }
    public int Rejected { get; init; }
    public string Errors { get; init; } = "[]";
    public int ErrorsOmitted { get; init; }
    public Guid[] SampleIds { get; init; } = [];
    public byte[] RequestHash { get; init; } = [];
    public string[] ProjectCodes { get; init; } = [];

    public SubmissionReport ToReport() => new(Id, TemplateId, TemplateVersion, Rows, Accepted, Rejected,
        JsonSerializer.Deserialize<List<SubmissionError>>(Errors, Json) ?? [], ErrorsOmitted, SampleIds,
        Outcome, DryRun, FileName, SubmittedBy, SubmittedAt, CompletedAt);

    public SubmissionSummary ToSummary() => new(Id, TemplateId, TemplateVersion, FileName, Outcome, DryRun,
        Rows, Accepted, Rejected, SubmittedBy, SubmittedAt, CompletedAt);

    public static string ErrorsJson(IEnumerable<SubmissionError> errors) => JsonSerializer.Serialize(errors, Json);
}

public enum ClaimState { New, Replay, InProgress, KeyReused }

public sealed record SubmissionClaim(ClaimState State, Guid Id, Submission? Earlier = null);

/// <summary>
/// The submissions table. A submission row is written ('processing') before Samples is asked, then completed with
/// its outcome. With an Idempotency-Key, the same user sending the same upload again gets the recorded answer; after
/// a failure (Samples down) the same submission id is tried again, so Samples' own key stops any duplicate.
/// </summary>
public static class SubmissionStore
{
    /// <summary>How long a claim may stay 'processing' before a retry may take it over: longer than any live
    /// processor can hold it (Samples is asked for at most <see cref="TemplatesServiceExtensions.BatchTotalTimeout"/>).</summary>
    public static readonly TimeSpan ProcessingLease = TemplatesServiceExtensions.BatchTotalTimeout + TimeSpan.FromSeconds(15);

    public const string Columns = """
        id, template_id, template_version, submitted_by, submitted_at, completed_at, file_name, dry_run, outcome,
        rows, accepted, rejected, errors::text AS errors, errors_omitted, sample_ids, request_hash, project_codes
        """;

    public static async Task<SubmissionClaim> ClaimAsync(
        NpgsqlConnection connection, Guid userId, string? key, byte[] hash, Guid templateId, int templateVersion, string fileName, bool dryRun,
        string[] projectCodes)
    {
        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync(
            """
            INSERT INTO submissions (id, template_id, template_version, submitted_by, file_name, dry_run, outcome, idempotency_key, request_hash, project_codes)
            VALUES (@id, @templateId, @templateVersion, @userId, @fileName, @dryRun, 'processing', @key, @hash, @projectCodes)
            ON CONFLICT (submitted_by, idempotency_key) DO NOTHING
            """, new { id, templateId, templateVersion, userId, fileName, dryRun, key, hash, projectCodes });
        if (inserted == 1)
        {
            return new SubmissionClaim(ClaimState.New, id);
        }

        var earlier = await connection.QuerySingleAsync<Submission>(
            $"SELECT {Columns} FROM submissions WHERE submitted_by = @userId AND idempotency_key = @key", new { userId, key });
        if (!earlier.RequestHash.AsSpan().SequenceEqual(hash))
        {
            return new SubmissionClaim(ClaimState.KeyReused, earlier.Id);
        }
        if (earlier.Outcome is SubmissionOutcome.Failed or SubmissionOutcome.Processing)
        {
            // Only one retry may take a submission over; a concurrent one sees 'processing'. A failed one at once; one
            // still 'processing' once its claim is older than the lease: whoever claimed it died before recording the
            // outcome (Templates, or its database, went down after Samples was asked). Taking it over is safe: Samples'
            // batch is keyed by the submission id, so asking again commits nothing twice and answers what it committed.
            var taken = await connection.ExecuteAsync(
                """
                UPDATE submissions SET outcome = 'processing', failure = NULL, claimed_at = now()
                WHERE id = @Id AND (outcome = 'failed' OR (outcome = 'processing' AND claimed_at < now() - @lease))
                """, new { earlier.Id, lease = ProcessingLease });
            return new SubmissionClaim(taken == 1 ? ClaimState.New : ClaimState.InProgress, earlier.Id);
        }
        return new SubmissionClaim(ClaimState.Replay, earlier.Id, earlier);
    }

    /// <summary>Records the outcome; <paramref name="report"/> is already capped (<see cref="SubmissionErrors"/>), so what a
    /// submission stores is bounded whatever the sheet.</summary>
    public static async Task<Submission> CompleteAsync(
        NpgsqlConnection connection, Guid id, string outcome, int rows, ErrorReport report,
        IReadOnlyList<Guid> sampleIds, string? failure, TimeProvider clock)
    {
        await using var tx = await connection.BeginTransactionAsync();
        var completed = await connection.QuerySingleAsync<Submission>(
            $"""
            UPDATE submissions SET outcome = @outcome, completed_at = @now, rows = @rows, accepted = @accepted, rejected = @rejected,
                   errors = @errors::jsonb, errors_omitted = @omitted, sample_ids = @sampleIds, failure = @failure
            WHERE id = @id
            RETURNING {Columns}
            """,
            new
            {
                id, outcome, now = clock.GetUtcNow(), rows, accepted = rows - report.Rejected, rejected = report.Rejected,
                errors = Submission.ErrorsJson(report.Errors), omitted = report.Omitted, sampleIds = sampleIds.ToArray(), failure,
            }, tx);
        // A real (not dry-run) submission's final outcome is news for webhooks; a failed one is retried and comes back here.
        if (!completed.DryRun && completed.Outcome is SubmissionOutcome.Accepted or SubmissionOutcome.Rejected)
        {
            await Outbox.AddAsync(connection, tx, OutboxEvent.Create(WebhookEventTypes.SubmissionCompleted, new SubmissionCompletedData(
                completed.Id, completed.TemplateId, completed.TemplateVersion, completed.Outcome, completed.Rows, completed.Accepted, completed.Rejected)));
        }
        await tx.CommitAsync();
        return completed;
    }
}

/// <summary>What a submission's report says about errors: those listed, how many more, and how many rows were refused.</summary>
public sealed record ErrorReport(IReadOnlyList<SubmissionError> Errors, int Omitted, int Rejected)
{
    public static readonly ErrorReport None = new([], 0, 0);

    public static ErrorReport Of(ValidatedSheet sheet) => new(sheet.Errors, sheet.ErrorsOmitted, sheet.Rejected);

    public static ErrorReport Of(int rows, IEnumerable<SubmissionError> errors)
    {
        var collected = new SubmissionErrors();
        foreach (var error in errors)
        {
            collected.Add(error);
        }
        return new(collected.Sorted(), collected.Omitted, ValidatedSheet.RejectedRows(rows, collected));
    }
}
