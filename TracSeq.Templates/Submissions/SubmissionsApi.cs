using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using TracSeq.Contracts;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Projects;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Samples.Client;
using TracSeq.Templates.Templates;
using SampleBatchRequest = TracSeq.Contracts.Internal.SampleBatchRequest<TracSeq.Templates.Submissions.BatchSample>;

namespace TracSeq.Templates.Submissions;

public sealed record SubmissionServices(NpgsqlDataSource Db, SamplesBatchClient Samples, TimeProvider Clock, ILogger<SubmissionReport> Logger,
    ProjectAccessResolver Projects, AuthorizationDenials Denials);

/// <summary>The multipart form of <c>POST /api/submissions</c>, as documented (the handler reads the form itself).</summary>
/// <param name="File">The filled sheet: CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX.</param>
/// <param name="TemplateId">The published template the sheet follows.</param>
/// <param name="DryRun">true to check the sheet without committing anything.</param>
/// <param name="ProjectCode">The project of every row that does not name one in the template's project column.</param>
public sealed record SubmissionForm(IFormFile File, Guid TemplateId, bool? DryRun, string? ProjectCode);

/// <summary>
/// <c>POST /api/submissions</c>: a filled sheet (multipart <c>file</c>, <c>templateId</c>, optional <c>dryRun</c>) is read,
/// every row checked, and only a sheet without a single error is committed, by one all-or-nothing batch call to
/// Samples keyed by the submission id. 201 committed · 200 dry run · 422 invalid rows, nothing committed · 503 Samples
/// unavailable, nothing committed (retry with the same Idempotency-Key).
/// </summary>
public static class SubmissionsApi
{
    public const string IdempotencyHeader = IdempotencyKeys.HeaderName;

    public static RouteGroupBuilder MapSubmissionsApi(this IEndpointRouteBuilder app)
    {
        var submissions = app.MapGroup("/api/submissions").WithTags("Submissions").WithStandardProblems();
        submissions.MapPost("/", SubmitAsync)
            .RequireAuthorization(Policies.CanSubmit)
            .DisableAntiforgery() // bearer tokens, no cookies: there is no cross-site form to forge
            .WithMetadata(new RequestSizeLimitAttribute(SubmissionLimits.MaxDrainedBytes))
            .Accepts<SubmissionForm>("multipart/form-data")
            .Produces<SubmissionReport>(StatusCodes.Status200OK)
            .Produces<SubmissionReport>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces<SubmissionReport>(StatusCodes.Status422UnprocessableEntity, OpenApiConventions.ProblemJson)
            .WithResponseExample(StatusCodes.Status201Created, """
                {"submissionId": "01956a2b-4e1f-7c3d-8b2a-5d6e7f809a1b", "templateId": "01956a20-1111-7aaa-8bbb-0123456789ab", "templateVersion": 3,
                 "rows": 2, "accepted": 2, "rejected": 0, "errors": [], "errorsOmitted": 0,
                 "sampleIds": ["01956a2b-5000-7000-8000-000000000001", "01956a2b-5000-7000-8000-000000000002"],
                 "outcome": "accepted", "dryRun": false, "fileName": "plate7.xlsx", "submittedBy": "0b9a3c3e-5d0c-4a8e-9f57-2f1d6f2a7c11",
                 "submittedAt": "2025-03-14T10:00:00Z", "completedAt": "2025-03-14T10:00:01Z"}
                """)
            .WithResponseExample(StatusCodes.Status422UnprocessableEntity, """
                {"type": "https://tools.ietf.org/html/rfc4918#section-11.2", "title": "The sheet has errors; nothing was committed.", "status": 422,
                 "detail": "1 of 96 rows has errors. Fix them and upload the sheet again.",
                 "submissionId": "01956a2b-4e1f-7c3d-8b2a-5d6e7f809a1c", "templateId": "01956a20-1111-7aaa-8bbb-0123456789ab", "templateVersion": 3,
                 "rows": 96, "accepted": 95, "rejected": 1,
                 "errors": [{"row": 14, "column": "Concentration_ng_uL", "value": "12,5", "message": "'12,5' is not a decimal number."}],
                 "errorsOmitted": 0, "sampleIds": [], "outcome": "rejected", "dryRun": false, "fileName": "plate7.csv",
                 "submittedBy": "0b9a3c3e-5d0c-4a8e-9f57-2f1d6f2a7c11", "submittedAt": "2025-03-14T10:00:00Z", "completedAt": "2025-03-14T10:00:00Z",
                 "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}
                """);
        submissions.MapGet("/", ListAsync);
        submissions.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return submissions;
    }

    /// <summary>Submit a filled sheet</summary>
    /// <remarks>
    /// Research scientists and above. Multipart form: <c>file</c> (CSV or XLSX, at most 10 MB, 10,000 rows, 100
    /// columns), <c>templateId</c> (a published template), optionally <c>dryRun=true</c> and <c>projectCode</c> (the
    /// project of rows whose project column is empty, or of every row when the template has none; anyone but facility
    /// staff must name a project of theirs where they are member or owner). Every row is checked
    /// against the template and the sample rules; errors name the row and column as the user sees them (header = row 1).
    /// A sheet without errors is committed all or nothing (201, <c>sampleIds</c> in sheet order); any error answers 422
    /// with the full report and commits nothing; a dry run answers 200 and commits nothing. Send an
    /// <c>Idempotency-Key</c> to make a retry safe: the same upload with the same key is committed once, and a
    /// committed one replays its answer (<c>Idempotent-Replayed: true</c>).
    /// </remarks>
    /// <response code="200">Dry run: the report, nothing committed.</response>
    /// <response code="201">Every row committed: the report with the new sample ids.</response>
    /// <response code="400">A form field is missing or malformed, or the file is empty, unreadable, or has too many rows or columns.</response>
    /// <response code="403">Below research scientist, or (not facility staff) a row's project is not one where you are a member
    /// or owner: the project is named.</response>
    /// <response code="404">No template has this id.</response>
    /// <response code="409">The template version is a draft or archived, or the same upload is still being processed.</response>
    /// <response code="413">The file is larger than 10 MB.</response>
    /// <response code="415">Not multipart/form-data, or the file is neither CSV nor XLSX.</response>
    /// <response code="422">Rows have errors (the full report, as a problem; for anyone but facility staff a row without a project is one),
    /// or the Idempotency-Key was used for a different upload; nothing committed.</response>
    /// <response code="503">Samples is unavailable; nothing committed. Send the same upload with the same key again.</response>
    public static async Task<IResult> SubmitAsync(
        HttpContext http, ClaimsPrincipal user, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey,
        [AsParameters] SubmissionServices s, CancellationToken ct)
    {
        var (upload, badUpload) = await ReadUploadAsync(http, idempotencyKey, ct);
        if (upload is null)
        {
            return badUpload!;
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        if (await TemplateStore.LoadAsync(connection, upload.TemplateId) is not { } template)
        {
            return TemplatesApi.NotFound();
        }
        if (NotPublished(template) is { } notPublished)
        {
            return notPublished;
        }
        var bytes = await ReadBytesAsync(upload.File, ct);
        var (validated, unreadable) = CheckSheet(template, bytes, upload.FileName, s.Clock, ct);
        if (validated is null)
        {
            return unreadable!;
        }
        var access = await s.Projects.ForAsync(user, ct);
        validated = SubmissionProjects.WithMissingProjects(access, SubmissionProjects.WithDefault(validated, upload.Project));
        if (SubmissionProjects.Refusal(access, validated, s.Denials) is { } notYours)
        {
            return notYours;
        }
        var claim = await SubmissionStore.ClaimAsync(connection, user.GetUserId(), idempotencyKey, RequestHash(upload, bytes),
            template.Id, template.Version, upload.FileName, upload.DryRun, SubmissionProjects.Named(validated));
        if (EarlierAnswer(http, claim) is { } earlier)
        {
            return earlier;
        }
        return upload.DryRun || !validated.IsValid
            ? await RecordUncommittedAsync(connection, claim.Id, upload.DryRun, validated, s.Clock)
            : await CommitAsync(http, connection, claim.Id, template, validated, s, ct);
    }

    /// <summary>The checked form fields of one upload; <see cref="SubmissionForm"/> is how OpenAPI shows them.</summary>
    private sealed record Upload(IFormFile File, Guid TemplateId, bool DryRun, string FileName, string? Project);

    private static async Task<(Upload? Upload, IResult? Problem)> ReadUploadAsync(HttpContext http, string? idempotencyKey, CancellationToken ct)
    {
        if (http.Request.ContentLength > SubmissionLimits.MaxRequestBytes)
        {
            // Read the (gateway-capped) body before answering: a proxy still sending it would turn an early
            // answer into a broken connection and report 503 instead of this 413.
            await http.Request.Body.CopyToAsync(Stream.Null, ct);
            return (null, TooLarge());
        }
        if (!http.Request.HasFormContentType)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the sheet as multipart/form-data with the fields file, templateId and (optionally) dryRun."));
        }
        try
        {
            return CheckForm(await http.Request.ReadFormAsync(ct), idempotencyKey);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
        {
            return (null, new ValidationErrors().Add("file", $"The upload could not be read: {e.Message}").ToProblem());
        }
    }

    private static (Upload? Upload, IResult? Problem) CheckForm(IFormCollection form, string? idempotencyKey)
    {
        var file = form.Files.GetFile("file");
        var errors = new ValidationErrors()
            .Check(file is not null, "file", "Attach the filled sheet as the form field 'file' (CSV or XLSX).")
            .Check(Guid.TryParse(form["templateId"], out var templateId), "templateId", "templateId must be the id of a published template.")
            .Check(string.IsNullOrEmpty(form["dryRun"]) || bool.TryParse(form["dryRun"], out _), "dryRun", "dryRun must be true or false.")
            .CheckFormProject(FormProject(form))
            .Check(idempotencyKey is null || IdempotencyKeys.IsValid(idempotencyKey), IdempotencyHeader, IdempotencyKeys.Problem);
        if (!errors.IsValid)
        {
            return (null, errors.ToProblem());
        }
        if (file!.Length > SubmissionLimits.MaxFileBytes)
        {
            return (null, TooLarge());
        }
        var fileName = Path.GetFileName(string.IsNullOrWhiteSpace(file.FileName) ? "sheet.csv" : file.FileName);
        var dryRun = bool.TryParse(form["dryRun"], out var d) && d;
        return (new Upload(file, templateId, dryRun, fileName[..Math.Min(fileName.Length, 255)], FormProject(form)), null);
    }

    private static ProblemHttpResult? NotPublished(Template template) => template.Status == TemplateStatus.Published
        ? null
        : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"This template version is {template.Status}.",
            detail: template.Status == TemplateStatus.Draft
                ? "Sheets can be submitted only against a published template."
                : "A newer version has replaced it: download the current sheet and copy your rows into it.");

    private static async Task<byte[]> ReadBytesAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static (ValidatedSheet? Sheet, IResult? Problem) CheckSheet(
        Template template, byte[] bytes, string fileName, TimeProvider clock, CancellationToken ct)
    {
        // Reading and checking run on a budget tied to the request: when the client or the gateway gives up, or the
        // budget runs out, the work stops (a hostile sheet or template cannot keep the service busy).
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(SubmissionLimits.CheckBudget);
        try
        {
            var sheet = SheetReader.Read(bytes, fileName);
            return (SheetValidator.Validate(template, sheet, clock.GetUtcNow(), budget.Token), null);
        }
        catch (UnreadableSheetException e)
        {
            return (null, TypedResults.Problem(statusCode: e.StatusCode, title: e.Message));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: string.Create(CultureInfo.InvariantCulture, $"The sheet could not be checked within {SubmissionLimits.CheckBudget.TotalSeconds:0} s."),
                detail: "Split it into smaller submissions."));
        }
    }

    /// <summary>The answer when the Idempotency-Key was seen before: a refusal, "still running", or the earlier answer replayed.</summary>
    private static IResult? EarlierAnswer(HttpContext http, SubmissionClaim claim)
    {
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
                http.Response.Headers[IdempotencyKeys.ReplayedHeaderName] = "true";
                return Answer(claim.Earlier!);
            default:
                return null;
        }
    }

    private static async Task<IResult> RecordUncommittedAsync(
        NpgsqlConnection connection, Guid claimId, bool dryRun, ValidatedSheet validated, TimeProvider clock)
    {
        var outcome = dryRun ? SubmissionOutcome.DryRun : SubmissionOutcome.Rejected;
        var recorded = await SubmissionStore.CompleteAsync(connection, claimId, outcome, validated.Rows, ErrorReport.Of(validated), [], null, clock);
        SubmissionMetrics.Count(outcome, recorded.Rejected);
        return Answer(recorded);
    }

    private static async Task<IResult> CommitAsync(HttpContext http, NpgsqlConnection connection, Guid claimId, Template template,
        ValidatedSheet validated, SubmissionServices s, CancellationToken ct)
    {
        BatchOutcome result;
        try
        {
            result = await s.Samples.CreateAsync(new SampleBatchRequest(claimId, template.Id, template.Version, validated.Samples),
                http.Request.Headers.Authorization.ToString(), ct);
        }
        catch (SamplesUnavailableException e)
        {
            return await SamplesUnavailableAsync(http, connection, claimId, validated, e, s);
        }
        if (result.Created is { } created)
        {
            var accepted = await SubmissionStore.CompleteAsync(connection, claimId, SubmissionOutcome.Accepted, validated.Rows, ErrorReport.None,
                [.. created.Samples.Select(x => x.Id)], null, s.Clock);
            SubmissionMetrics.Count(SubmissionOutcome.Accepted, 0);
            return Answer(accepted);
        }
        return await RecordRefusedAsync(connection, claimId, validated, result, s.Clock);
    }

    private static async Task<IResult> SamplesUnavailableAsync(HttpContext http, NpgsqlConnection connection, Guid claimId,
        ValidatedSheet validated, SamplesUnavailableException e, SubmissionServices s)
    {
        s.Logger.LogWarning("Submission {SubmissionId} not committed: {Reason}", claimId, e.Message);
        await SubmissionStore.CompleteAsync(connection, claimId, SubmissionOutcome.Failed, validated.Rows, ErrorReport.None, [], e.Message, s.Clock);
        SubmissionMetrics.Count(SubmissionOutcome.Failed, 0);
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The Samples service is unavailable; nothing was committed.",
            detail: $"Send the same upload again with the same {IdempotencyHeader} shortly; it will be committed once.",
            extensions: new Dictionary<string, object?> { ["submissionId"] = claimId });
    }

    /// <summary>Samples refused rows (a barcode taken since, or a rule we do not mirror): the same report, nothing committed.</summary>
    private static async Task<IResult> RecordRefusedAsync(
        NpgsqlConnection connection, Guid claimId, ValidatedSheet validated, BatchOutcome result, TimeProvider clock)
    {
        var refused = result.Refused.Select(r => new SubmissionError(
            validated.RowNumbers[r.Index], validated.ColumnFor.GetValueOrDefault(r.Property, r.Property),
            r.Value ?? (r.Property == SampleProperties.Barcode ? validated.Samples[r.Index].Barcode : null), r.Message));
        var rejected = await SubmissionStore.CompleteAsync(connection, claimId, SubmissionOutcome.Rejected, validated.Rows,
            ErrorReport.Of(validated.Rows, refused), [], null, clock);
        SubmissionMetrics.Count(SubmissionOutcome.Rejected, rejected.Rejected);
        return Answer(rejected);
    }

    /// <summary>List submissions</summary>
    /// <remarks>Newest first. The submissions of your projects (every project a submission names must be yours) and
    /// your own that name no project; facility staff see everyone's. <c>userId</c> narrows to one submitter.</remarks>
    /// <response code="200">A page of submission summaries.</response>
    /// <response code="400">A bad page.</response>
    public static async Task<Results<Ok<PagedResult<SubmissionSummary>>, ValidationProblem>> ListAsync(
        Guid? userId, int? page, int? pageSize, ClaimsPrincipal user, NpgsqlDataSource db, ProjectAccessResolver projects, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var access = await projects.ForAsync(user, ct);
        var parameters = new
        {
            owner = userId, staff = access.IsStaff, me = access.UserId, visible = access.VisibleProjectCodes ?? [],
            limit = paging.PageSize, offset = paging.Offset,
        };
        await using var connection = await db.OpenConnectionAsync(ct);
        // Rule 1 (SubmissionProjects.Sees) in SQL, so the page and its total count only visible submissions.
        const string where = """
            (@owner::uuid IS NULL OR submitted_by = @owner)
            AND (@staff OR (cardinality(project_codes) = 0 AND submitted_by = @me)
                        OR (cardinality(project_codes) > 0 AND project_codes <@ @visible::text[]))
            """;
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM submissions WHERE {where}", parameters);
        var items = await connection.QueryAsync<Submission>(
            $"SELECT {SubmissionStore.Columns} FROM submissions WHERE {where} ORDER BY submitted_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters);
        return TypedResults.Ok(new PagedResult<SubmissionSummary>([.. items.Select(x => x.ToSummary())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Get a submission's report</summary>
    /// <remarks>The full report: counts, every error with row and column, the created sample ids. A submission into a
    /// project that is not yours is "not found", exactly like an id that never existed; facility staff see all.</remarks>
    /// <response code="200">The report.</response>
    /// <response code="404">No submission you can see has this id.</response>
    public static async Task<Results<Ok<SubmissionReport>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, NpgsqlDataSource db, ProjectAccessResolver projects, AuthorizationDenials denials, CancellationToken ct)
    {
        var access = await projects.ForAsync(user, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var submission = await connection.QuerySingleOrDefaultAsync<Submission>(
            $"SELECT {SubmissionStore.Columns} FROM submissions WHERE id = @id", new { id });
        if (submission is not null && !SubmissionProjects.Sees(access, submission))
        {
            denials.NotMemberOf(access.UserId);
            submission = null;
        }
        return submission is not null
            ? TypedResults.Ok(submission.ToReport())
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such submission.");
    }

    private static IResult Answer(Submission submission) => submission.Outcome switch
    {
        SubmissionOutcome.Accepted => TypedResults.Created($"/api/submissions/{submission.Id}", submission.ToReport()),
        SubmissionOutcome.Rejected => Rejected(submission.ToReport()),
        _ => TypedResults.Ok(submission.ToReport()),
    };

    /// <summary>
    /// A rejected sheet is an error, so it is answered as a problem (<c>application/problem+json</c>) whose members are
    /// the full report: clients read <c>errors</c>, <c>rows</c>, <c>rejected</c> … exactly as from a 200 or 201.
    /// </summary>
    private static ProblemHttpResult Rejected(SubmissionReport report)
    {
        var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in JsonSerializer.SerializeToElement(report, ReportJson).EnumerateObject())
        {
            extensions[member.Name] = member.Value;
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The sheet has errors; nothing was committed.",
            detail: string.Create(CultureInfo.InvariantCulture,
                $"{report.Rejected} of {report.Rows} {(report.Rows == 1 ? "row has" : "rows have")} errors. Fix them and upload the sheet again."),
            extensions: extensions);
    }

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    /// <summary>The form's project, null when left out or blank.</summary>
    private static string? FormProject(IFormCollection form) =>
        string.IsNullOrWhiteSpace(form[SubmissionProjects.FormField]) ? null : form[SubmissionProjects.FormField].ToString().Trim();

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: string.Create(CultureInfo.InvariantCulture, $"The file is larger than {SubmissionLimits.MaxFileBytes / (1024 * 1024)} MB."),
        detail: string.Create(CultureInfo.InvariantCulture,
            $"A sheet may have at most {SubmissionLimits.MaxRows} rows; split larger ones into several submissions."));

    /// <summary>What an Idempotency-Key is bound to: the template, the mode, the form's project and the exact file.</summary>
    private static byte[] RequestHash(Upload upload, byte[] file)
    {
        var (templateId, dryRun, project) = (upload.TemplateId, upload.DryRun, upload.Project);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // Without a form project the hash is what it was before the field existed, so earlier keys still replay.
        hash.AppendData(Encoding.UTF8.GetBytes(project is null ? $"{templateId:N}|{dryRun}|" : $"{templateId:N}|{dryRun}|{project}|"));
        hash.AppendData(file);
        return hash.GetHashAndReset();
    }
}
