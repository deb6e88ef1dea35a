using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Templates.Templates;

namespace TracSeq.Templates.Submissions;

public sealed record SubmissionServices(NpgsqlDataSource Db, SamplesBatchClient Samples, TimeProvider Clock, ILogger<SubmissionReport> Logger);

/// <summary>
/// <c>POST /api/submissions</c>: a filled sheet (multipart <c>file</c>, <c>templateId</c>, optional <c>dryRun</c>) is read,
/// every row checked, and only a sheet without a single error is committed, by one all-or-nothing batch call to
/// Samples keyed by the submission id. 201 committed · 200 dry run · 422 invalid rows, nothing committed · 503 Samples
/// unavailable, nothing committed (retry with the same Idempotency-Key).
/// </summary>
public static class SubmissionsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapSubmissionsApi(this IEndpointRouteBuilder app)
    {
        var submissions = app.MapGroup("/api/submissions").WithTags("Submissions");
        submissions.MapPost("/", SubmitAsync)
            .RequireAuthorization(Policies.CanSubmit)
            .DisableAntiforgery() // bearer tokens, no cookies: there is no cross-site form to forge
            .WithMetadata(new RequestSizeLimitAttribute(SubmissionLimits.MaxDrainedBytes))
            .Accepts<IFormFile>("multipart/form-data");
        submissions.MapGet("/", ListAsync);
        submissions.MapGet("/{id:guid}", GetAsync);
        return submissions;
    }

    public static async Task<IResult> SubmitAsync(
        HttpContext http, ClaimsPrincipal user, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        [AsParameters] SubmissionServices s, CancellationToken ct)
    {
        if (http.Request.ContentLength > SubmissionLimits.MaxRequestBytes)
        {
            // Read the (gateway-capped) body before answering: a proxy still sending it would turn an early
            // answer into a broken connection and report 503 instead of this 413.
            await http.Request.Body.CopyToAsync(Stream.Null, ct);
            return TooLarge();
        }
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the sheet as multipart/form-data with the fields file, templateId and (optionally) dryRun.");
        }
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            return new ValidationErrors().Add("file", $"The upload could not be read: {e.Message}").ToProblem();
        }

        var file = form.Files.GetFile("file");
        var errors = new ValidationErrors()
            .Check(file is not null, "file", "Attach the filled sheet as the form field 'file' (CSV or XLSX).")
            .Check(Guid.TryParse(form["templateId"], out var templateId), "templateId", "templateId must be the id of a published template.")
            .Check(string.IsNullOrEmpty(form["dryRun"]) || bool.TryParse(form["dryRun"], out _), "dryRun", "dryRun must be true or false.")
            .Check(idempotencyKey is null || (idempotencyKey.Length is > 0 and <= 200 && idempotencyKey.All(c => c is > ' ' and < '\u007f')),
                IdempotencyHeader, $"{IdempotencyHeader} must be 1 to 200 printable characters without spaces.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (file!.Length > SubmissionLimits.MaxFileBytes)
        {
            return TooLarge();
        }
        var dryRun = bool.TryParse(form["dryRun"], out var d) && d;
        var fileName = Path.GetFileName(string.IsNullOrWhiteSpace(file.FileName) ? "sheet.csv" : file.FileName);
        fileName = fileName[..Math.Min(fileName.Length, 255)];

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        var template = await TemplateStore.LoadAsync(connection, templateId);
        if (template is null)
        {
            return TemplatesApi.NotFound();
        }
        if (template.Status != TemplateStatus.Published)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"This template version is {template.Status}.",
                detail: template.Status == TemplateStatus.Draft
                    ? "Sheets can be submitted only against a published template."
                    : "A newer version has replaced it: download the current sheet and copy your rows into it.");
        }

        byte[] bytes;
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await file.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        // Reading and checking run on a budget tied to the request: when the client or the gateway gives up, or the
        // budget runs out, the work stops (a hostile sheet or template cannot keep the service busy).
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(SubmissionLimits.CheckBudget);
        ValidatedSheet validated;
        try
        {
            var sheet = SheetReader.Read(bytes, fileName);
            validated = SheetValidator.Validate(template, sheet, s.Clock.GetUtcNow(), budget.Token);
        }
        catch (UnreadableSheetException e)
        {
            return TypedResults.Problem(statusCode: e.StatusCode, title: e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: string.Create(CultureInfo.InvariantCulture, $"The sheet could not be checked within {SubmissionLimits.CheckBudget.TotalSeconds:0} s."),
                detail: "Split it into smaller submissions.");
        }

        var userId = user.GetUserId();
        var claim = await SubmissionStore.ClaimAsync(connection, userId, idempotencyKey, RequestHash(templateId, dryRun, bytes),
            template.Id, template.Version, fileName, dryRun);
        switch (claim.State)
        {
            case ClaimState.KeyReused:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: $"This {IdempotencyHeader} was already used for a different upload.",
                    detail: "Use a new key for a new upload; send the original upload unchanged to get its result again.");
            case ClaimState.InProgress:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This submission is still being processed.",
                    detail: "Ask again in a moment.", extensions: new Dictionary<string, object?> { ["submissionId"] = claim.Id });
            case ClaimState.Replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Answer(claim.Earlier!);
        }

        if (dryRun || !validated.IsValid)
        {
            var outcome = dryRun ? SubmissionOutcome.DryRun : SubmissionOutcome.Rejected;
            var recorded = await SubmissionStore.CompleteAsync(connection, claim.Id, outcome, validated.Rows, ErrorReport.Of(validated), [], null, s.Clock);
            SubmissionMetrics.Count(outcome, recorded.Rejected);
            return Answer(recorded);
        }

        BatchOutcome result;
        try
        {
            result = await s.Samples.CreateAsync(new SampleBatchRequest(claim.Id, template.Id, template.Version, validated.Samples),
                http.Request.Headers.Authorization.ToString(), ct);
        }
        catch (SamplesUnavailableException e)
        {
            s.Logger.LogWarning("Submission {SubmissionId} not committed: {Reason}", claim.Id, e.Message);
            await SubmissionStore.CompleteAsync(connection, claim.Id, SubmissionOutcome.Failed, validated.Rows, ErrorReport.None, [], e.Message, s.Clock);
            SubmissionMetrics.Count(SubmissionOutcome.Failed, 0);
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The Samples service is unavailable; nothing was committed.",
                detail: $"Send the same upload again with the same {IdempotencyHeader} shortly; it will be committed once.",
                extensions: new Dictionary<string, object?> { ["submissionId"] = claim.Id });
        }

        if (result.Created is { } created)
        {
            var accepted = await SubmissionStore.CompleteAsync(connection, claim.Id, SubmissionOutcome.Accepted, validated.Rows, ErrorReport.None,
                [.. created.Samples.Select(x => x.Id)], null, s.Clock);
            SubmissionMetrics.Count(SubmissionOutcome.Accepted, 0);
            return Answer(accepted);
        }
        // Samples refused rows (a barcode taken since, or a rule we do not mirror): the same report, nothing committed.
        var refused = result.Refused.Select(r => new SubmissionError(
            validated.RowNumbers[r.Index], validated.ColumnFor.GetValueOrDefault(r.Property, r.Property),
            r.Value ?? (r.Property == SampleProperties.Barcode ? validated.Samples[r.Index].Barcode : null), r.Message));
        var rejected = await SubmissionStore.CompleteAsync(connection, claim.Id, SubmissionOutcome.Rejected, validated.Rows,
            ErrorReport.Of(validated.Rows, refused), [], null, s.Clock);
        SubmissionMetrics.Count(SubmissionOutcome.Rejected, rejected.Rejected);
        return Answer(rejected);
    }

    /// <summary>Your own submissions, newest first; a lab administrator sees everyone's (or one user's with <c>userId</c>).</summary>
    public static async Task<Results<Ok<PagedResult<SubmissionSummary>>, ValidationProblem>> ListAsync(
        Guid? userId, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var owner = IsAdministrator(user) ? userId : user.GetUserId();
        var parameters = new { owner, limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        const string where = "(@owner::uuid IS NULL OR submitted_by = @owner)";
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM submissions WHERE {where}", parameters);
        var items = await connection.QueryAsync<Submission>(
            $"SELECT {SubmissionStore.Columns} FROM submissions WHERE {where} ORDER BY submitted_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters);
        return TypedResults.Ok(new PagedResult<SubmissionSummary>([.. items.Select(x => x.ToSummary())], paging.Page, paging.PageSize, total));
    }

    /// <summary>A submission's full report; someone else's is "not found" unless you administer the lab.</summary>
    public static async Task<Results<Ok<SubmissionReport>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var submission = await connection.QuerySingleOrDefaultAsync<Submission>(
            $"SELECT {SubmissionStore.Columns} FROM submissions WHERE id = @id", new { id });
        return submission is not null && (submission.SubmittedBy == user.GetUserId() || IsAdministrator(user))
            ? TypedResults.Ok(submission.ToReport())
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such submission.");
    }

    private static IResult Answer(Submission submission) => submission.Outcome switch
    {
        SubmissionOutcome.Accepted => TypedResults.Created($"/api/submissions/{submission.Id}", submission.ToReport()),
        SubmissionOutcome.Rejected => TypedResults.UnprocessableEntity(submission.ToReport()),
        _ => TypedResults.Ok(submission.ToReport()),
    };

    private static bool IsAdministrator(ClaimsPrincipal user) => user.GetRole() == Roles.LabAdministrator;

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: string.Create(CultureInfo.InvariantCulture, $"The file is larger than {SubmissionLimits.MaxFileBytes / (1024 * 1024)} MB."),
        detail: string.Create(CultureInfo.InvariantCulture, $"A sheet may have at most {SubmissionLimits.MaxRows} rows; split larger ones into several submissions."));

    /// <summary>What an Idempotency-Key is bound to: the template, the mode and the exact file.</summary>
    private static byte[] RequestHash(Guid templateId, bool dryRun, byte[] file)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{templateId:N}|{dryRun}|"));
        hash.AppendData(file);
        return hash.GetHashAndReset();
    }
}
