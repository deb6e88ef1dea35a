using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Paging;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Templates.Templates;

public sealed record TemplateServices(NpgsqlDataSource Db, TimeProvider Clock);

/// <summary>
/// Templates: anyone signed in reads them; principal investigators and above write them. A template is a draft
/// (editable, deletable), then published (frozen: sheets and samples refer to it by id and version), then archived
/// when a newer version of the same lineage is published. Changes after publishing go into a new version.
/// </summary>
public static class TemplatesApi
{
    private const string UniqueDraft = "templates_one_draft_per_lineage";

    public static RouteGroupBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Templates").WithStandardProblems();
        templates.MapGet("/", ListAsync);
        templates.MapPost("/", CreateAsync).RequireAuthorization(Policies.CanManageTemplates)
            .WithRequestExample("""
                {"name": "DNA extraction plate", "description": "One row per well", "category": "sequencing",
                 "fields": [{"key": "Sample_Name", "label": "Sample name", "type": "text", "required": true, "maxLength": 200, "mapsTo": "name"},
                            {"key": "Type", "type": "select", "required": true, "options": ["dna", "rna"], "mapsTo": "sampleType"},
                            {"key": "Concentration_ng_uL", "type": "decimal", "min": 0, "max": 1000, "unit": "ng/µL", "mapsTo": "concentration"},
                            {"key": "Donor", "type": "text", "pattern": "D-[0-9]{4}"}]}
                """);
        templates.MapGet("/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.CanManageTemplates)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.CanManageTemplates)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapPost("/{id:guid}/publish", PublishAsync).RequireAuthorization(Policies.CanManageTemplates)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapPost("/{id:guid}/versions", NewVersionAsync).RequireAuthorization(Policies.CanManageTemplates)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapGet("/{id:guid}/spreadsheet", BlankSheet.DownloadAsync)
            .Produces(StatusCodes.Status200OK, contentType: BlankSheet.XlsxType, additionalContentTypes: BlankSheet.CsvType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return templates;
    }

    /// <summary>List templates</summary>
    /// <remarks>Any signed-in user. Filter by <c>status</c> (draft, published, archived), <c>lineageId</c> (every version of one template)
    /// and <c>q</c> (name text); newest version first.</remarks>
    /// <response code="200">A page of templates.</response>
    /// <response code="400">An unknown status or a bad page.</response>
    public static async Task<Results<Ok<PagedResult<TemplateDto>>, ValidationProblem>> ListAsync(
        string? status, Guid? lineageId, string? q, int? page, int? pageSize, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var paging = PageRequest.From(page, pageSize, errors);
        errors.Check(status is null || TemplateStatus.All.Contains(status), "status", $"status must be one of: {string.Join(", ", TemplateStatus.All)}.")
              .Text("q", q, 200, required: false);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        const string where = """
            (@status::text IS NULL OR status = @status) AND (@lineageId::uuid IS NULL OR lineage_id = @lineageId)
            AND (@q::text IS NULL OR name ILIKE '%' || @q || '%')
            """;
        var parameters = new { status, lineageId, q = string.IsNullOrWhiteSpace(q) ? null : q.Trim(), limit = paging.PageSize, offset = paging.Offset };
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM templates WHERE {where}", parameters);
        var items = await TemplateStore.ListAsync(connection, where, parameters);
        return TypedResults.Ok(new PagedResult<TemplateDto>([.. items.Select(t => t.ToDto())], paging.Page, paging.PageSize, total));
    }

    /// <summary>Get a template version</summary>
    /// <remarks>Any signed-in user. The version with its columns in sheet order.</remarks>
    /// <response code="200">The template.</response>
    /// <response code="404">No template has this id.</response>
    public static async Task<Results<Ok<TemplateDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await TemplateStore.LoadAsync(connection, id) is { } template ? TypedResults.Ok(template.ToDto()) : NotFound();
    }

    /// <summary>Create a template (a draft, version 1)</summary>
    /// <remarks>
    /// Principal investigators and above. 1 to 100 columns, each with a unique <c>key</c> (the sheet header; case,
    /// spaces and underscores do not count) and a type: text, integer, decimal, date, boolean, select, multiselect.
    /// <c>mapsTo</c> binds a column to a sample property (name, sampleType, barcode, volume, concentration,
    /// collectedAt, projectCode, notes); name and sampleType must be mapped and required. Other columns go into each
    /// sample's metadata.
    /// </remarks>
    /// <response code="201">The new draft.</response>
    /// <response code="400">A field is missing, malformed or contradictory; <c>errors</c> names it (<c>fields[2].options</c>).</response>
    public static async Task<Results<Created<TemplateDto>, ValidationProblem>> CreateAsync(
        TemplateRequest request, ClaimsPrincipal user, [AsParameters] TemplateServices s, CancellationToken ct)
    {
        var errors = TemplateRules.Check(request);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        var id = Guid.CreateVersion7();
        var now = s.Clock.GetUtcNow().UtcDateTime;
        var template = new Template
        {
            Id = id, LineageId = id, Version = 1, Name = request.Name!.Trim(), Description = Blank(request.Description),
            Category = Blank(request.Category), Status = TemplateStatus.Draft, CreatedBy = user.GetUserId(), CreatedAt = now, UpdatedAt = now,
        };
        template.Fields.AddRange(request.Fields!.Select((f, i) => TemplateField.From(f!, id, i)));

        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await TemplateStore.InsertAsync(connection, tx, template);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/templates/{id}", template.ToDto());
    }

    /// <summary>Replace a draft</summary>
    /// <remarks>Principal investigators and above. Replaces a draft's name, description, category and columns (same body as create).
    /// Published and archived versions never change (409).</remarks>
    /// <response code="200">The draft as replaced.</response>
    /// <response code="400">A field is missing, malformed or contradictory.</response>
    /// <response code="404">No template has this id.</response>
    /// <response code="409">The version is published or archived.</response>
    public static async Task<Results<Ok<TemplateDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, TemplateRequest request, [AsParameters] TemplateServices s, CancellationToken ct)
    {
        var errors = TemplateRules.Check(request);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (_, refused) = await LockDraftAsync(connection, tx, id, Frozen);
        if (refused is not null)
        {
            return refused;
        }
        await connection.ExecuteAsync(
            "UPDATE templates SET name = @name, description = @description, category = @category, updated_at = @now WHERE id = @id",
            new
            {
                id,
                name = request.Name!.Trim(),
                description = Blank(request.Description),
                category = Blank(request.Category),
                now = s.Clock.GetUtcNow(),
            },
            tx);
        await TemplateStore.ReplaceFieldsAsync(connection, tx, id, [.. request.Fields!.Select((f, i) => TemplateField.From(f!, id, i))]);
        var updated = (await TemplateStore.LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(updated.ToDto());
    }

    /// <summary>Delete a draft</summary>
    /// <remarks>Principal investigators and above. Only drafts can be deleted; published versions are kept for the samples made with them.</remarks>
    /// <response code="204">Deleted.</response>
    /// <response code="404">No template has this id.</response>
    /// <response code="409">The version is published or archived.</response>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (_, refused) = await LockDraftAsync(connection, tx, id, t =>
            TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a draft can be deleted.",
                detail: $"Version {t.Version} is {t.Status}: sheets and samples may refer to it."));
        if (refused is not null)
        {
            return refused;
        }
        await connection.ExecuteAsync("DELETE FROM templates WHERE id = @id", new { id }, tx);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Publish a draft</summary>
    /// <remarks>Principal investigators and above. Freezes the draft; the previously published version of the same template is archived,
    /// so new sheets use this one.</remarks>
    /// <response code="200">The published version.</response>
    /// <response code="404">No template has this id.</response>
    /// <response code="409">The version is not a draft.</response>
    public static async Task<Results<Ok<TemplateDto>, ProblemHttpResult>> PublishAsync(Guid id, [AsParameters] TemplateServices s, CancellationToken ct)
    {
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (existing, refused) = await LockDraftAsync(connection, tx, id, t =>
            TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Only a draft can be published.",
                detail: $"Version {t.Version} is already {t.Status}."));
        if (refused is not null)
        {
            return refused;
        }
        var now = s.Clock.GetUtcNow();
        await connection.ExecuteAsync(
            "UPDATE templates SET status = 'archived', updated_at = @now WHERE lineage_id = @lineageId AND status = 'published'",
            new { existing!.LineageId, now }, tx); // a draft is always there when nothing was refused
        await connection.ExecuteAsync(
            "UPDATE templates SET status = 'published', published_at = @now, updated_at = @now WHERE id = @id", new { id, now }, tx);
        var published = (await TemplateStore.LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Ok(published.ToDto());
    }

    /// <summary>Start a new version</summary>
    /// <remarks>Principal investigators and above. Copies a published (or archived) version into a new draft numbered after the
    /// template's latest version. One draft at a time.</remarks>
    /// <response code="201">The new draft.</response>
    /// <response code="404">No template has this id.</response>
    /// <response code="409">The version is itself a draft, or the template already has a draft.</response>
    public static async Task<Results<Created<TemplateDto>, ProblemHttpResult>> NewVersionAsync(
        Guid id, ClaimsPrincipal user, [AsParameters] TemplateServices s, CancellationToken ct)
    {
        await using var connection = await s.Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var source = await TemplateStore.LoadAsync(connection, id, tx);
        if (source is null)
        {
            return NotFound();
        }
        if (source.Status == TemplateStatus.Draft)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This version is still a draft.",
                detail: "Edit the draft itself; new versions are made from published ones.");
        }
        var next = await connection.ExecuteScalarAsync<int>(
            "SELECT max(version) + 1 FROM templates WHERE lineage_id = @LineageId", new { source.LineageId }, tx);
        var draft = DraftOf(source, next, user.GetUserId(), s.Clock.GetUtcNow().UtcDateTime);
        try
        {
            await TemplateStore.InsertAsync(connection, tx, draft);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await DraftExistsAsync(s.Db, source.LineageId, ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/templates/{draft.Id}", draft.ToDto());
    }

    /// <summary>A new draft numbered <paramref name="version"/> with a copy of <paramref name="source"/>'s fields.</summary>
    private static Template DraftOf(Template source, int version, Guid createdBy, DateTime now)
    {
        var newId = Guid.CreateVersion7();
        var draft = new Template
        {
            Id = newId, LineageId = source.LineageId, Version = version, Name = source.Name, Description = source.Description,
            Category = source.Category, Status = TemplateStatus.Draft, CreatedBy = createdBy, CreatedAt = now, UpdatedAt = now,
        };
        draft.Fields.AddRange(source.Fields.Select(f => TemplateField.From(f.ToRequest(), newId, f.Position)));
        return draft;
    }

    private static async Task<ProblemHttpResult> DraftExistsAsync(NpgsqlDataSource db, Guid lineageId, CancellationToken ct)
    {
        // The transaction is aborted by the violation: find the existing draft on a connection of its own.
        await using var other = await db.OpenConnectionAsync(ct);
        var draftId = await other.ExecuteScalarAsync<Guid?>(
            "SELECT id FROM templates WHERE lineage_id = @LineageId AND status = 'draft'", new { LineageId = lineageId });
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This template already has a draft version.",
            detail: "Edit and publish that draft first.", extensions: new Dictionary<string, object?> { ["draftId"] = draftId });
    }

    private static TemplateFieldRequest ToRequest(this TemplateField f) =>
        new(f.Key, f.Label, f.Type, f.Required, f.Options, f.Min, f.Max, f.MaxLength, f.Pattern, f.Unit, f.MapsTo);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Locks a template for a change only a draft may have: 404 when it does not exist, <paramref name="notDraft"/>'s
    /// answer when it is published or archived. Shared by edit, delete and publish.
    /// </summary>
    private static async Task<(Template? Draft, ProblemHttpResult? Refused)> LockDraftAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, Func<Template, ProblemHttpResult> notDraft)
    {
        var existing = await TemplateStore.LoadAsync(connection, id, tx, forUpdate: true);
        return existing switch
        {
            null => (null, NotFound()),
            { Status: not TemplateStatus.Draft } => (existing, notDraft(existing)),
            _ => (existing, null),
        };
    }

    public static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such template.");

    private static ProblemHttpResult Frozen(Template t) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A {t.Status} template never changes.",
            detail: $"Version {t.Version} is {t.Status}; create a new version (POST /api/templates/{t.Id}/versions) and edit that draft.");
}
