using TracSeq.ServiceDefaults.Outbox;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Samples.Audit;
using TracSeq.ServiceDefaults.Data;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.Samples.Projects;
using TracSeq.Contracts.Internal;

namespace TracSeq.Samples.Samples;

/// <summary>
/// <c>POST /internal/samples/batch</c>: the all-or-nothing create behind a spreadsheet submission, called by the
/// Templates service with the submitting user's bearer token (it needs research_scientist or above), its service
/// identity (<see cref="ServiceIdentity"/>) and
/// <c>Idempotency-Key: {submissionId}</c>. Not routed by the gateway. Every sample and its "created" audit event go
/// in by binary COPY in one transaction with the idempotency record, so a retry after success replays the answer
/// and creates nothing, and a failure leaves nothing behind.
/// </summary>
public static class SampleBatchApi
{
    public const string Path = SamplesInternalCalls.BatchPath;
    public const string Scope = "samples.batch";
    public const int MaxSamples = 50_000;
    /// <summary>10,000 rows with their metadata (at most 16 KB each) and room to spare; above the services' 1 MiB default.</summary>
    public const long MaxRequestBytes = 192L * 1024 * 1024;

    public static IEndpointConventionBuilder MapSampleBatchApi(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, CreateAsync)
            .RequireAuthorization(Policies.CanSubmit)
            .RequireServiceIdentity("templates") // the user's token alone is not enough: only Templates commits submissions
            .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
            .WithTags("Internal")
            .ExcludeFromDescription(); // service to service; the public API documents only what the gateway routes

    public static async Task<Results<Created<SampleBatchResult>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SampleBatchRequest<CreateSampleRequest?> request, [FromHeader(Name = IdempotencyRecords.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user, HttpContext http, [AsParameters] SampleServices s, CancellationToken ct)
    {
        var now = s.Clock.GetUtcNow();
        var access = await s.Projects.ForAsync(user, ct);
        var errors = Validate(request, idempotencyKey, now, access);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var samples = request.Samples!.Select(r => r!).ToList();

        var actor = Actor.From(user);
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (projects, projectErrors) = await ResolveProjectsAsync(connection, tx, samples, access, s);
        if (!projectErrors.IsValid)
        {
            return projectErrors.ToProblem();
        }
        // Keyed by the submission alone (not per user): one submission is committed once, whoever retries it.
        var claim = await IdempotencyRecords.ClaimAsync(connection, tx, Scope, Guid.Empty, idempotencyKey!, IdempotencyRecords.Hash(request));
        if (claim.State != IdempotencyState.New)
        {
            return claim.State == IdempotencyState.Replay ? IdempotencyRecords.Replay(http, claim, null) : IdempotencyRecords.KeyReused();
        }

        var (created, taken) = await InsertAsync(connection, tx, request, samples, projects, actor, now, ct);
        if (created is null)
        {
            return taken!;
        }
        var result = ResultOf(request, created);
        await IdempotencyRecords.CompleteAsync(connection, tx, Scope, Guid.Empty, idempotencyKey!, StatusCodes.Status201Created, result);
        await tx.CommitAsync(ct);

        SampleMetrics.CountCreated(created);
        return TypedResults.Created($"/api/samples?submissionId={result.SubmissionId}", result);
    }

    /// <summary>
    /// Every sample (barcodes given or generated) with its created event and webhook, by COPY; 409 listing the rows
    /// whose barcodes are taken, and then nothing is written.
    /// </summary>
    private static async Task<(List<NewSample>? Created, ProblemHttpResult? Taken)> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        SampleBatchRequest<CreateSampleRequest?> request, List<CreateSampleRequest> samples, List<Projects.Project> projects, Actor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var wanted = samples.Where(x => x.Barcode is not null).Select(x => x.Barcode!).ToList();
        var taken = await Barcodes.TakenAsync(connection, tx, wanted);
        if (taken.Count > 0)
        {
            return (null, BarcodesTaken(samples, taken));
        }
        var numbers = await Barcodes.NextNumbersAsync(connection, tx, samples.Count - wanted.Count);
        var next = 0;
        var created = samples.Select((r, i) => NewSample.From(r with { ProjectCode = projects[i].Code },
            r.Barcode ?? Barcodes.Generate(r.SampleType!, now, numbers[next++]), actor.Id, projects[i].Id,
            request.SubmissionId!.Value, request.TemplateId, request.TemplateVersion)).ToList();
        try
        {
            await SampleWriter.CopyAsync(connection, created, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == SampleStore.UniqueBarcode)
        {
            // A concurrent request took one of the barcodes since the check above; the transaction rolls back whole.
            await tx.RollbackAsync(ct);
            return (null, BarcodesTaken(samples, await Barcodes.TakenAsync(connection, null, wanted)));
        }
        await SampleEventLog.WriteManyAsync(connection, actor, created.Select(c => c.CreatedEvent()), ct);
        await Outbox.AddManyAsync(connection, tx, SampleWebhookEvents.Created(created), ct);
        return (created, null);
    }

    private static SampleBatchResult ResultOf(SampleBatchRequest<CreateSampleRequest?> request, List<NewSample> created) =>
        new(request.SubmissionId!.Value, request.TemplateId!.Value, request.TemplateVersion!.Value, created.Count,
            [.. created.Select(c => new BatchCreatedSample(c.Id, c.Barcode))]);

    /// <summary>
    /// Each row's project, resolved with one query: a row naming a project that does not exist or that the submitter
    /// cannot see, act in (viewer) or that is archived is a row error naming the code, and nothing is created.
    /// </summary>
    private static async Task<(List<Projects.Project> Projects, ValidationErrors Errors)> ResolveProjectsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<CreateSampleRequest> samples, ProjectAccess access, SampleServices s)
    {
        var codes = samples.Select(r => r.ProjectCode ?? ProjectCodes.Unassigned).Distinct(StringComparer.Ordinal).ToList();
        var known = await ProjectStore.FindByCodesAsync(connection, codes, tx);
        var verdicts = codes.ToDictionary(c => c, c => SampleProjects.Target(known.GetValueOrDefault(c), access, c, s.Denials), StringComparer.Ordinal);
        var errors = new ValidationErrors();
        var projects = new List<Projects.Project>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            var code = samples[i].ProjectCode ?? ProjectCodes.Unassigned;
            var (project, refusal) = verdicts[code];
            if (project is not null)
            {
                projects.Add(project);
                continue;
            }
            var field = string.Create(CultureInfo.InvariantCulture, $"samples[{i}].projectCode");
            errors.Add(field, refusal?.ProblemDetails.Status switch
            {
                StatusCodes.Status403Forbidden => $"Your membership of project {code} is viewer: you may not add samples to it.",
                StatusCodes.Status409Conflict => $"Project {code} is archived.",
                _ => $"No such project: {code}.",
            });
        }
        return (projects, errors);
    }

    private static ValidationErrors Validate(SampleBatchRequest<CreateSampleRequest?> request, string? idempotencyKey, DateTimeOffset now, ProjectAccess access)
    {
        var errors = new ValidationErrors()
            .CheckKey(idempotencyKey, required: true)
            .Check(request.SubmissionId is { } id && id != Guid.Empty, "submissionId", "submissionId is required.")
            .Check(request.TemplateId is { } template && template != Guid.Empty, "templateId", "templateId is required.")
            .Check(request.TemplateVersion is >= 1, "templateVersion", "templateVersion must be 1 or more.")
            .Check(request.Samples is { Count: > 0 and <= MaxSamples }, "samples", $"samples must hold 1 to {MaxSamples} samples.");
        if (idempotencyKey is not null && request.SubmissionId is { } submission &&
            !(Guid.TryParse(idempotencyKey, out var key) && key == submission))
        {
            errors.Add(IdempotencyRecords.HeaderName, "For a submission batch the Idempotency-Key is the submission id.");
        }
        if (request.Samples is not { Count: > 0 and <= MaxSamples } samples)
        {
            return errors;
        }

        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"samples[{i}].");
            errors.CheckNew(samples[i], prefix, now).CheckProjectNamed(access, samples[i]?.ProjectCode, prefix + "projectCode");
            if (samples[i]?.Barcode is { } barcode && !firstIndexOf.TryAdd(barcode, i))
            {
                errors.Add(prefix + "barcode", string.Create(CultureInfo.InvariantCulture,
                    $"barcode {barcode} is already used by samples[{firstIndexOf[barcode]}] of this batch."));
            }
        }
        return errors;
    }

    private static ProblemHttpResult BarcodesTaken(IReadOnlyList<CreateSampleRequest> samples, IReadOnlyCollection<string> taken)
    {
        var set = taken.ToHashSet(StringComparer.Ordinal);
        var duplicates = samples.Select((sample, index) => (sample.Barcode, index))
            .Where(x => x.Barcode is not null && set.Contains(x.Barcode))
            .Select(x => new { x.index, barcode = x.Barcode }).Take(500).ToList();
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"{set.Count} barcode(s) of this batch are already in use; nothing was created.",
            extensions: new Dictionary<string, object?> { ["duplicates"] = duplicates });
    }
}
