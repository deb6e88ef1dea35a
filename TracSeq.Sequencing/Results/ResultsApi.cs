using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Sequencing.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Results.Diagnosis;
using TracSeq.Sequencing.Results.Import;
using TracSeq.Sequencing.Results.Verdicts;
using TracSeq.Sequencing.SampleSheets;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;
using TracSeq.Sequencing.Runs;

namespace TracSeq.Sequencing.Results;

/// <summary>
/// Run results (contract results.md): import what the instrument and the demultiplexer wrote, read the current version
/// and the older ones, the corrections the diagnosis confirms and the sheet with them applied, and the QC thresholds.
/// </summary>
public static class ResultsApi
{
    public const string ManageThresholds = "sequencing-manage-qc-thresholds";

    public static IEndpointRouteBuilder MapResultsApi(this IEndpointRouteBuilder app)
    {
        // A run's results hold every group's rows of its lanes: facility staff only. Members read their own libraries'
        // reads and verdicts on the library (GET /api/libraries/{id}).
        var runs = app.MapGroup("/api/runs/{id:guid}/results").WithTags("Run results").FacilityOnly("run");
        runs.MapPost("/", ImportAsync).Write(SequencingPolicies.FacilityWork, "Import a run's results",
                "multipart/form-data: one part per file (RunInfo.xml required; RunParameters.xml, RunCompletionStatus.xml; BCL Convert " +
                "Demultiplex_Stats.csv, Quality_Metrics.csv, Top_Unknown_Barcodes.csv, Index_Hopping_Counts.csv, or bcl2fastq Stats.json) " +
                "or one .zip of them, and an optional `job` field (several demultiplexing jobs merge). 201 a new version, 200 the same " +
                "files again, 409 another flow cell or a planned/cancelled run, 413 above 50 MiB; refusals name the file and line.")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ResultsDto>(StatusCodes.Status201Created).Produces<ResultsDto>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery() // bearer tokens, no cookies: there is no cross-site form to forge
            .WithMetadata(new RequestSizeLimitAttribute(ResultsLimits.MaxRequestBytes));
        runs.MapGet("/", GetAsync).Documented("A run's results",
                "The current version (or ?version=n): lanes, libraries with verdicts over all runs, findings, unmatched rows, files and warnings.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/versions", VersionsAsync).Documented("Every imported version of a run's results", "Oldest first; none is ever changed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/corrections", CorrectionsAsync).Documented("The sheet changes the diagnosis confirms",
                "Per library and lane: index1, index2 (forward orientation) or lane, from and to, with the finding. Nothing is applied to the libraries.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/corrected-samplesheet", CorrectedSheetAsync).Documented("The run's sample sheet with the confirmed corrections",
                "format=v2 (default) or v1; a [Header] comment line per change.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var thresholds = app.MapGroup("/api/qc-thresholds").WithTags("Run results");
        thresholds.MapGet("/", ThresholdsAsync).Documented("The run-QC thresholds",
            "Per instrument, flow-cell type and read-1 length: cluster PF (M), ≥ Q30 %, reads per lane (M, divided by the libraries) " +
            "and the undetermined maximum %.");
        thresholds.MapPut("/", ReplaceThresholdsAsync).Write(ManageThresholds, "Replace the run-QC thresholds",
            "Lab administrators: the whole table, 1 to 500 rows, each key once.");
        return app;
    }

    public static IServiceCollection AddResultsPolicies(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(ManageThresholds, p => p.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(Roles.LabAdministrator)));
        return services;
    }

    public static async Task<IResult> ImportAsync(Guid id, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!http.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the files as multipart/form-data (or one .zip).");
        }
        ResultsUpload.Upload upload;
        JobData job;
        try
        {
            if (http.ContentLength > ResultsLimits.MaxRequestBytes)
            {
                throw ResultsUpload.TooLarge("the request");
            }
            upload = await ResultsUpload.ReadAsync(await http.ReadFormAsync(ct), ct);
            job = JobReader.Read(upload.Job, upload.Files);
        }
        catch (ResultsImportException e)
        {
            return Refused(e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException) // a broken multipart body
        {
            return Refused(ResultsImportException.Bad("request", null, $"The multipart body could not be read: {e.Message}"));
        }
        var outcome = await ResultsImporter.ImportAsync(db, user, id, upload, job, ct);
        return outcome switch
        {
            { Status: StatusCodes.Status404NotFound } => Endpoints.NotFound("run"),
            { Refusal: { } refusal } => Refused(refusal),
            { Status: StatusCodes.Status200OK } => Unchanged(outcome.Results!),
            _ => TypedResults.Created($"/api/runs/{id}/results?version={outcome.Results!.Version}", outcome.Results),
        };
    }

    private static Ok<ResultsDto> Unchanged(ResultsDto results)
    {
        ResultsMetrics.Imports.WithLabels("unchanged").Inc();
        return TypedResults.Ok(results);
    }

    /// <summary>A refusal as a problem naming the file and the line or element; nothing was stored.</summary>
    public static ProblemHttpResult Refused(ResultsImportException e)
    {
        ResultsMetrics.Imports.WithLabels(e.Status == StatusCodes.Status409Conflict ? "conflict" : "refused").Inc();
        return TypedResults.Problem(statusCode: e.Status, title: e.Status switch
            {
                StatusCodes.Status409Conflict => "The results do not fit this run; nothing was stored.",
                StatusCodes.Status413PayloadTooLarge => "The import is too large; nothing was stored.",
                _ => "A results file could not be read; nothing was stored.",
            }, detail: e.Message,
            extensions: new Dictionary<string, object?> { ["file"] = e.File, ["location"] = e.Location });
    }

    public static async Task<Results<Ok<ResultsDto>, ProblemHttpResult>> GetAsync(Guid id, int? version, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ResultsStore.LockRunAsync(connection, null, id, forUpdate: false) is null)
        {
            return Endpoints.NotFound("run");
        }
        var stored = await ResultsStore.VersionAsync(connection, id, version);
        return stored is null
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: version is null ? "No results were imported for this run yet." : "No such version.")
            : TypedResults.Ok(await ResultsReader.ToDtoAsync(connection, id, stored));
    }

    public static async Task<Results<Ok<IReadOnlyList<ResultsVersionDto>>, ProblemHttpResult>> VersionsAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await ResultsStore.LockRunAsync(connection, null, id, forUpdate: false) is null
            ? Endpoints.NotFound("run")
            : TypedResults.Ok(await ResultsStore.VersionsAsync(connection, id));
    }

    public static async Task<Results<Ok<IReadOnlyList<Correction>>, ProblemHttpResult>> CorrectionsAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ResultsStore.LockRunAsync(connection, null, id, forUpdate: false) is null)
        {
            return Endpoints.NotFound("run");
        }
        var stored = await ResultsStore.VersionAsync(connection, id);
        return TypedResults.Ok<IReadOnlyList<Correction>>(stored is null ? [] : CorrectedSheet.Corrections(stored.Document));
    }

    public static async Task<Results<ContentHttpResult, ValidationProblem, ProblemHttpResult>> CorrectedSheetAsync(
        Guid id, string? format, HttpContext http, NpgsqlDataSource db, IOptions<SampleSheetOptions> options, CancellationToken ct)
    {
        if (CorrectedSheet.Format(format) is not { } sheetFormat)
        {
            return new ValidationErrors().Add("format", "format must be v2 (BCL Convert) or v1 (bcl2fastq).").ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ResultsStore.LockRunAsync(connection, null, id, forUpdate: false) is not { } run)
        {
            return Endpoints.NotFound("run");
        }
        var stored = await ResultsStore.VersionAsync(connection, id);
        var rows = await ResultsStore.SheetRowsAsync(connection, id);
        var corrections = stored is null ? [] : CorrectedSheet.Corrections(stored.Document);
        // The same run settings (adapters, BCL Convert version) as the run's own sheet, so a re-demultiplex trims alike.
        var corrected = await RunsApi.WithRunSettingsAsync(CorrectedSheet.Apply(run, rows, corrections), connection, id, options.Value);
        var sheet = CorrectedSheet.Annotate(SampleSheetWriter.Write(corrected, sheetFormat), corrections);
        http.Response.Headers.ContentDisposition = "attachment; filename=SampleSheet.corrected.csv";
        return TypedResults.Content(sheet, "text/csv", new UTF8Encoding(false));
    }

    public static async Task<Ok<IReadOnlyList<QcThreshold>>> ThresholdsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await ResultsStore.ThresholdsAsync(connection));
    }

    public static async Task<Results<Ok<IReadOnlyList<QcThreshold>>, ValidationProblem>> ReplaceThresholdsAsync(
        List<QcThreshold?>? rows, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new ValidationErrors().Check(rows is { Count: > 0 and <= 500 }, "body", "Send the whole table: 1 to 500 rows.");
        foreach (var (row, message) in rows is { Count: <= 500 } ? QcThresholdRules.Problems(rows) : [])
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"[{row}]"), message);
        }
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ResultsStore.ReplaceThresholdsAsync(connection, tx, [.. rows!.Select(r => r!)]);
        await Audit.SequencingEvents.WriteAsync(connection, tx, user, "qc_thresholds", Guid.Empty, "replaced", new { rows = rows!.Count });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ResultsStore.ThresholdsAsync(connection));
    }
}

/// <summary>The run's sheet with the confirmed corrections applied, through the same writer as the run's own sheet.</summary>
public static class CorrectedSheet
{
    public static SampleSheetFormat? Format(string? format) => (format ?? "v2").ToLowerInvariant() switch
    {
        "v2" => SampleSheetFormat.V2,
        "v1" => SampleSheetFormat.V1,
        _ => null,
    };

    /// <summary>The confirmed findings' corrections (ambiguous, partial and trace findings change nothing).</summary>
    public static IReadOnlyList<Correction> Corrections(ResultsDocument document) =>
        [.. document.Findings.Where(f => f.Strength == Strengths.Confirmed).SelectMany(f => f.Corrections)];

    public static string Write(
        ResultsRun run,
        IReadOnlyList<(short Lane, Guid Id, string Barcode, string Name, string Index1, string? Index2, string? Project)> rows,
        IReadOnlyList<Correction> corrections,
        SampleSheetFormat format) =>
        Annotate(SampleSheetWriter.Write(Apply(run, rows, corrections), format), corrections);

    /// <summary>The run's rows with the corrections applied (indices replaced, libraries moved to their lane).</summary>
    public static SampleSheetRun Apply(
        ResultsRun run,
        IReadOnlyList<(short Lane, Guid Id, string Barcode, string Name, string Index1, string? Index2, string? Project)> rows,
        IReadOnlyList<Correction> corrections)
    {
        var byRow = corrections.ToLookup(c => (c.Lane, c.LibraryId));
        var laneCount = Instruments.LaneCount(run.Instrument);
        var corrected = rows.Select(r =>
        {
            var (lane, i1, i2) = ((int)r.Lane, r.Index1, r.Index2);
            foreach (var c in byRow[(r.Lane, r.Id)])
            {
                switch (c.Field)
                {
                    case "index1" when c.To is { Length: > 0 }: i1 = c.To; break;
                    case "index2": i2 = c.To; break;
                    case "lane" when int.TryParse(c.To, CultureInfo.InvariantCulture, out var moved) && moved >= 1 && moved <= laneCount: lane = moved; break;
                }
            }
            return new SampleSheetRow(lane, r.Barcode, r.Name, i1, i2, r.Project);
        }).OrderBy(r => r.Lane).ThenBy(r => r.LibraryBarcode, StringComparer.Ordinal).ToList();
        return new SampleSheetRun(run.Name, run.Instrument, run.Chemistry ?? Instruments.ChemistryV15, run.Reads, run.M1, run.M2, corrected);
    }

    /// <summary>One <c>TracSeqCorrection{n}</c> line in <c>[Header]</c> per change, so the sheet says what it changed.</summary>
    public static string Annotate(string sheet, IReadOnlyList<Correction> corrections)
    {
        var comments = new StringBuilder();
        var n = 0;
        foreach (var c in corrections)
        {
            comments.Append(CultureInfo.InvariantCulture, $"TracSeqCorrection{++n},")
                .Append(Plain($"{c.LibraryBarcode} lane {c.Lane}: {c.Field} {c.From ?? "none"} to {c.To ?? "none"} ({c.Label})"))
                .Append(SampleSheetWriter.NewLine);
        }
        const string header = "[Header]" + SampleSheetWriter.NewLine;
        var at = sheet.IndexOf(header, StringComparison.Ordinal);
        return at < 0 || n == 0 ? sheet : sheet.Insert(at + header.Length, comments.ToString());
    }

    /// <summary>A comment is one cell: no comma, quote or line break.</summary>
    private static string Plain(string text) => new([.. text.Select(c => c is ',' or '"' or '\r' or '\n' ? ' ' : c)]);
}
