using System.Security.Claims;
using TracSeq.ServiceDefaults.Projects;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Labels;
using TracSeq.ServiceDefaults.OpenApi;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Labels;

/// <summary>Which labels to print: any mix of samples, libraries, pools and boxes (each box's samples), and how.</summary>
public sealed record LabelRequest(IReadOnlyList<Guid>? SampleIds, IReadOnlyList<Guid>? LibraryIds, IReadOnlyList<Guid>? PoolIds,
    IReadOnlyList<Guid>? StorageLocationIds, string? Format, string? Template, int? Copies, int? Dpi);

/// <summary>A label stock as <c>GET /api/labels/templates</c> lists it.</summary>
public sealed record LabelTemplateDto(string Name, string Description, double WidthMm, double HeightMm, IReadOnlyList<string> Symbologies,
    IReadOnlyList<string> Fields, IReadOnlyList<string> Formats, SheetLayout? Sheet);

/// <summary>
/// Labels, hosted by Samples because samples and boxes live here: the stocks, printing any set of samples, libraries,
/// pools and boxes (libraries and pools read from Sequencing, service to service), one sample, a box in position
/// order, and every sample of a submission. Output: PDF, ZPL, or a PNG preview of the first label (TracSeq.Labels).
/// Printing is a bench task: lab technician and up; the stock list is open to every signed-in user.
/// </summary>
public static class LabelsApi
{
    private const int Max = LabelOptions.MaxLabels;

    public static IEndpointRouteBuilder MapLabelsApi(this IEndpointRouteBuilder app)
    {
        var labels = app.MapGroup("/api/labels").WithTags("Labels").WithStandardProblems();
        labels.MapGet("/templates", Templates);
        labels.MapPost("/", PrintAsync).RequireAuthorization(Policies.CanHandleSamples).Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithRequestExample("""{"sampleIds": ["01956a1e-7c3b-7d2a-9a41-6f0c2b8e5d10"], "format": "pdf", "template": "cryo-tube", "copies": 2}""");
        app.MapGet("/api/samples/{id:guid}/label", SampleAsync).WithTags("Labels").WithStandardProblems()
            .RequireAuthorization(Policies.CanHandleSamples).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/storage/locations/{id:guid}/labels", BoxAsync).WithTags("Labels").WithStandardProblems()
            .RequireAuthorization(Policies.CanHandleSamples).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/api/submissions/{id:guid}/labels", SubmissionAsync).WithTags("Labels").WithStandardProblems()
            .RequireAuthorization(Policies.CanHandleSamples).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The label stocks</summary>
    /// <remarks>Each stock's size in millimetres, the symbols it carries (Code 128, Data Matrix), its fields and formats.</remarks>
    public static Ok<IReadOnlyList<LabelTemplateDto>> Templates() => TypedResults.Ok<IReadOnlyList<LabelTemplateDto>>([.. LabelStocks.All.Select(s =>
        new LabelTemplateDto(s.Name, s.Description, s.WidthMm, s.HeightMm, s.Symbologies, s.Fields, s.Formats, s.Sheet))]);

    /// <summary>Print labels</summary>
    /// <remarks>Up to 1,000 labels (ids × copies); unknown ids, and samples of projects you are not a member of,
    /// are named in the 404 alike, and nothing is printed.</remarks>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> PrintAsync(
        LabelRequest request, HttpContext http, NpgsqlDataSource db, SequencingLabelsClient sequencing, ClaimsPrincipal user,
        ProjectAccessResolver projects, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var options = LabelOptions.Parse(request.Format, request.Template, request.Copies, request.Dpi, errors);
        var asked = AskedIds.From(request, errors);
        if (options is null || !errors.IsValid)
        {
            return errors.ToProblem();
        }
        IReadOnlyList<LabelItem> items;
        IReadOnlyList<Guid> missing;
        try
        {
            var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds;
            (items, missing) = await asked.ReadAsync(db, sequencing, http.Request.Headers.Authorization, visible, ct);
        }
        catch (SequencingUnavailableException e)
        {
            // What Sequencing said (or the socket error) goes to the log with the trace id, never to the client.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LabelsApi))
                .LogWarning(e, "Labels: Sequencing could not answer: {Reason}", e.Message);
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The Sequencing service is unavailable.",
                detail: "Library and pool labels need the Sequencing service, which did not answer. Try again shortly.",
                extensions: new Dictionary<string, object?> { ["dependency"] = "sequencing" });
        }
        if (missing.Count > 0)
        {
            return NotFound(missing);
        }
        return Answer(items, options, "labels");
    }

    /// <summary>One sample's label</summary>
    /// <remarks>Query: format (pdf, zpl, png), template (a stock's name), copies and dpi (203 or 300, for ZPL and PNG).</remarks>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> SampleAsync(
        Guid id, string? format, string? template, int? copies, int? dpi, NpgsqlDataSource db, ClaimsPrincipal user,
        ProjectAccessResolver projects, CancellationToken ct)
    {
        var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds;
        var errors = new ValidationErrors();
        if (LabelOptions.Parse(format, template, copies, dpi, errors) is not { } options)
        {
            return errors.ToProblem();
        }
        var rows = await LabelStore.ByIdsAsync(db, [id], visible, ct);
        return rows.Count == 0 ? SampleProblems.SampleNotFound() : Answer([rows[0].ToItem(withPosition: false)], options, rows[0].Barcode);
    }

    /// <summary>A box's labels</summary>
    /// <remarks>Every sample directly in the location, in position order, each label carrying its position.</remarks>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> BoxAsync(
        Guid id, string? format, string? template, int? copies, int? dpi, NpgsqlDataSource db, ClaimsPrincipal user,
        ProjectAccessResolver projects, CancellationToken ct)
    {
        var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds;
        var errors = new ValidationErrors();
        if (LabelOptions.Parse(format, template, copies, dpi, errors) is not { } options)
        {
            return errors.ToProblem();
        }
        var (rows, missing) = await LabelStore.ByLocationsAsync(db, [id], Max + 1, visible, ct);
        return missing.Count > 0 ? SampleProblems.LocationNotFound() : Answer([.. rows.Select(r => r.ToItem(withPosition: true))], options, "box");
    }

    /// <summary>A submission's labels</summary>
    /// <remarks>Every sample the submission created; 404 when it created none (or does not exist).</remarks>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> SubmissionAsync(
        Guid id, string? format, string? template, int? copies, int? dpi, NpgsqlDataSource db, ClaimsPrincipal user,
        ProjectAccessResolver projects, CancellationToken ct)
    {
        var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds;
        var errors = new ValidationErrors();
        if (LabelOptions.Parse(format, template, copies, dpi, errors) is not { } options)
        {
            return errors.ToProblem();
        }
        var rows = await LabelStore.BySubmissionAsync(db, id, Max + 1, visible, ct);
        return rows.Count == 0
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This submission created no samples.", detail: id.ToString())
            : Answer([.. rows.Select(r => r.ToItem(withPosition: false))], options, "submission");
    }

    private static Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult> Answer(
        IReadOnlyList<LabelItem> items, LabelOptions options, string fileName)
    {
        if (items.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "There is nothing to print: the location holds no samples.");
        }
        if ((long)items.Count * options.Copies > Max)
        {
            return new ValidationErrors().Add("copies",
                $"This would print {(items.Count > Max ? $"more than {Max}" : items.Count * options.Copies)} labels; at most {Max} per request.")
                .ToProblem();
        }
        return options.Render(items, fileName);
    }

    private static ProblemHttpResult NotFound(IReadOnlyList<Guid> missing) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
            title: missing.Count == 1 ? "This id is unknown." : "These ids are unknown.",
            detail: string.Join(", ", missing.Take(20)) + (missing.Count > 20 ? $" and {missing.Count - 20} more" : ""),
            extensions: new Dictionary<string, object?> { ["missing"] = missing });
}
