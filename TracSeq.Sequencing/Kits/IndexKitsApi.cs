using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Sequencing.Audit;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Kits;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Sequencing.Kits;

public sealed record KitIndexRequest(string? Name, string? Sequence, int? Read);
public sealed record KitWellRequest(string? Well, string? I7Name, string? I5Name);

/// <summary>A kit written as JSON rather than imported from an Illumina kit file.</summary>
public sealed record IndexKitRequest(
    string? Name, string? DisplayName, string? Version, string? Strategy,
    IReadOnlyList<KitIndexRequest?>? Indices, IReadOnlyList<KitWellRequest?>? Wells, Dictionary<string, string>? Adapters);

public sealed record IndexKitDto(
    Guid Id, string Name, string? DisplayName, string? Version, string Strategy, bool FixedLayout,
    IReadOnlyList<KitIndex> Indices, IReadOnlyList<KitWell> Wells, IReadOnlyDictionary<string, string> Adapters,
    IReadOnlyList<string> SupportedLibraryPrepKits, string Source, DateTime CreatedAt);

public sealed record IndexKitSummary(Guid Id, string Name, string? DisplayName, string? Version, string Strategy, bool FixedLayout,
    int IndexCount, int WellCount, DateTime CreatedAt);

/// <summary>
/// Index kits: imported from an Illumina index kit definition file (multipart <c>file</c>) or written as JSON.
/// The file parser and the kit rules live in <c>Kits/</c>; this class only stores what they accept. i5 sequences are
/// stored as the kit gives them (forward strand).
/// </summary>
public static class IndexKitsApi
{
    private const string UniqueName = "index_kits_name_key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The limit counts the kit file (<see cref="IlluminaKitFile.MaxBytes"/>), not the request: the multipart body around
    /// it may add up to 64 KiB of framing. The gateway's route for /api/index-kits allows the same.
    /// </summary>
    public const long MaxUploadBytes = IlluminaKitFile.MaxBytes + 64 * 1024;

    public static RouteGroupBuilder MapIndexKitsApi(this IEndpointRouteBuilder app)
    {
        var kits = app.MapGroup("/api/index-kits").WithTags("Index kits");
        kits.MapPost("/", CreateAsync)
            .Write(SequencingPolicies.ManageIndexKits, "Import or create an index kit",
                "Either multipart/form-data with `file` = an Illumina index kit definition file (TSV with [IndexKit], " +
                "[Resources], [Indices], [SupportedLibraryPrepKits]; mixed line endings, blank lines and trailing tabs " +
                $"are accepted; the file at most {IlluminaKitFile.MaxBytes} bytes, 413 beyond), or JSON `{{name, strategy, indices, wells}}`. " +
                $"Errors name the file's line or the JSON field (the first {IlluminaKitFile.MaxErrors} in file order, with a count). " +
                "A kit name already imported is 409.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .Accepts<IndexKitRequest>("application/json", "multipart/form-data")
            .Produces<IndexKitDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        kits.MapGet("/", ListAsync).Documented("List index kits", "Every kit, by name, with its index and well counts.");
        kits.MapGet("/{id:guid}", GetAsync).Documented("One index kit", "The kit with its indices (i5 forward strand), wells and adapters.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return kits;
    }

    public static async Task<IResult> CreateAsync(
        HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var (kit, source, refused) = http.HasFormContentType ? await FromFileAsync(http, ct)
            : http.HasJsonContentType() ? await FromJsonAsync(http, ct)
            : (null, "", TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the kit as multipart/form-data (file) or as application/json."));
        if (refused is not null)
        {
            return refused;
        }
        if (kit is null)
        {
            throw new InvalidOperationException("A kit or a refusal is always given.");
        }

        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await InsertAsync(connection, tx, id, kit, source, user);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == UniqueName)
        {
            return Endpoints.Conflict("An index kit with this name already exists; nothing was imported.", $"Kit name: {kit.Name}",
                new Dictionary<string, object?> { ["name"] = kit.Name });
        }
        await SequencingEvents.WriteAsync(connection, tx, user, EntityKinds.IndexKit, id, "created",
            new { kit.Name, source, indices = kit.Indices.Count, wells = kit.Wells.Count });
        var created = (await LoadAsync(connection, id, tx))!;
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/index-kits/{id}", created);
    }

    public static async Task<Ok<IReadOnlyList<IndexKitSummary>>> ListAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var kits = await connection.QueryAsync<IndexKitSummary>(
            """
            SELECT k.id, k.name::text AS name, k.display_name AS displayname, k.version, k.strategy, k.fixed_layout AS fixedlayout,
                   (SELECT count(*)::int FROM index_kit_indices i WHERE i.kit_id = k.id) AS indexcount,
                   (SELECT count(*)::int FROM index_kit_wells w WHERE w.kit_id = k.id) AS wellcount, k.created_at AS createdat
            FROM index_kits k ORDER BY k.name
            """);
        return TypedResults.Ok<IReadOnlyList<IndexKitSummary>>([.. kits]);
    }

    public static async Task<Results<Ok<IndexKitDto>, ProblemHttpResult>> GetAsync(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, id) is { } kit ? TypedResults.Ok(kit) : Endpoints.NotFound("index kit");
    }

    /// <summary>The multipart upload: one part named <c>file</c>, refused beyond the cap before it is parsed.</summary>
    private static async Task<(IndexKitDefinition?, string, IResult?)> FromFileAsync(HttpRequest http, CancellationToken ct)
    {
        if (http.ContentLength > MaxUploadBytes)
        {
            return (null, "file", TooLarge());
        }
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, "file", FieldProblem("file", "The multipart body could not be read."));
        }
        if (form.Files.GetFile("file") is not { } file)
        {
            return (null, "file", FieldProblem("file", "Send the kit file as the form field 'file'."));
        }
        if (file.Length > IlluminaKitFile.MaxBytes)
        {
            return (null, "file", TooLarge());
        }
        var text = await ReadUtf8Async(file, ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "file", FieldProblem("file", text is null ? "The kit file is not UTF-8 text." : "The kit file is empty."));
        }
        var parsed = IlluminaKitFile.Parse(text, ct);
        return parsed.Ok ? (parsed.Kit, "file", null) : (null, "file", AsProblem(KitErrors(parsed.Errors, parsed.TotalErrors)));
    }

    /// <summary>The file's text, or null when it is not UTF-8 (a byte order mark is honoured).</summary>
    private static async Task<string?> ReadUtf8Async(IFormFile file, CancellationToken ct)
    {
        await using var stream = file.OpenReadStream();
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        try
        {
            return await reader.ReadToEndAsync(ct);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static IResult FieldProblem(string field, string message) => AsProblem(new ValidationErrors().Add(field, message).ToProblem());

    private static async Task<(IndexKitDefinition?, string, IResult?)> FromJsonAsync(HttpRequest http, CancellationToken ct)
    {
        IndexKitRequest? request;
        try
        {
            request = await http.ReadFromJsonAsync<IndexKitRequest>(Json, ct);
        }
        catch (JsonException e)
        {
            // The serializer's message names CLR types; the field path is enough for the client.
            return (null, "json", FieldProblem(JsonField(e.Path), "The body is not a valid index kit: this field has the wrong type or the JSON is broken."));
        }
        if (request is null)
        {
            return (null, "json", FieldProblem("body", "Send a JSON object."));
        }
        if (CheckShape(request) is { } invalid)
        {
            return (null, "json", AsProblem(invalid));
        }
        var wells = request.Wells ?? [];
        var kit = new IndexKitDefinition(
            request.Name?.Trim() ?? "", Blank(request.DisplayName), Blank(request.Version), request.Strategy!, FixedLayout: wells.Count > 0,
            [.. request.Indices!.Select(x => new KitIndex(x!.Name?.Trim() ?? "", x.Sequence?.Trim().ToUpperInvariant() ?? "", x.Read!.Value))],
            [.. wells.Select(w => new KitWell(w!.Well?.Trim() ?? "", w.I7Name?.Trim() ?? "", Blank(w.I5Name)))],
            request.Adapters ?? [], []);
        var kitErrors = IndexKitRules.Validate(kit);
        return kitErrors.Count > 0 ? (null, "json", AsProblem(KitErrors(kitErrors))) : (kit, "json", null);
    }

    /// <summary>What the JSON must have before it can be read as a kit: a strategy, bounded lists, a read per index.</summary>
    private static ValidationProblem? CheckShape(IndexKitRequest request)
    {
        var strategy = request.Strategy;
        var errors = new ValidationErrors()
            .Check(strategy is KitStrategies.Single or KitStrategies.Dual or KitStrategies.UniqueDual, "strategy",
                $"strategy must be one of: {KitStrategies.Single}, {KitStrategies.Dual}, {KitStrategies.UniqueDual}.")
            .Check(request.Indices is { Count: > 0 and <= 10_000 }, "indices", "indices must list 1 to 10000 indices.")
            .Check(request.Wells is null or { Count: <= 384 }, "wells", "wells must list at most 384 wells.")
            .Text("displayName", request.DisplayName, 255, required: false)
            .Text("version", request.Version, 50, required: false);
        for (var i = 0; request.Indices is not null && i < request.Indices.Count; i++)
        {
            errors.Check(request.Indices[i] is { Read: not null }, $"indices[{i}].read", "read is 1 (i7) or 2 (i5).");
        }
        for (var i = 0; request.Wells is not null && i < request.Wells.Count; i++)
        {
            errors.Check(request.Wells[i] is not null, $"wells[{i}]", "A well is an object {well, i7Name, i5Name}.");
        }
        return errors.IsValid ? null : errors.ToProblem();
    }

    /// <summary>Kit-file errors are keyed by line (<c>line 12</c>), JSON errors by field path.</summary>
    private static ValidationProblem KitErrors(IReadOnlyList<KitError> kitErrors, int? total = null)
    {
        var errors = new ValidationErrors();
        if (total > kitErrors.Count)
        {
            errors.Add("file", string.Create(CultureInfo.InvariantCulture,
                $"The file has {total} errors; the first {IlluminaKitFile.MaxErrors} in file order are listed."));
        }
        foreach (var e in kitErrors.Take(IlluminaKitFile.MaxErrors))
        {
            errors.Add(e.Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line}") : e.Field,
                e.Line is null ? e.Message : $"{e.Field}: {e.Message}");
        }
        return errors.ToProblem();
    }

    private static IResult AsProblem(ValidationProblem validation) => validation;

    private static IResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The kit file is too large.",
            detail: $"An index kit file is at most {IlluminaKitFile.MaxBytes} bytes.");

    private static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, IndexKitDefinition kit, string source, ClaimsPrincipal user)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO index_kits (id, name, display_name, version, strategy, fixed_layout, adapters, library_prep_kits, source, created_by)
            VALUES (@id, @Name, @DisplayName, @Version, @Strategy, @FixedLayout, @adapters::jsonb, @prepKits::jsonb, @source, @createdBy)
            """,
            new
            {
                id, kit.Name, kit.DisplayName, kit.Version, kit.Strategy, kit.FixedLayout, source,
                adapters = JsonSerializer.Serialize(kit.Adapters, Json), prepKits = JsonSerializer.Serialize(kit.SupportedLibraryPrepKits, Json),
                createdBy = ServiceDefaults.Security.ClaimsPrincipalExtensions.GetUserId(user),
            }, tx);
        await connection.ExecuteAsync(
            "INSERT INTO index_kit_indices (kit_id, read, name, sequence, position) VALUES (@kitId, @Read, @Name, @Sequence, @position)",
            kit.Indices.Select((x, i) => new { kitId = id, x.Read, x.Name, Sequence = x.Sequence.ToUpperInvariant(), position = i }), tx);
        await connection.ExecuteAsync(
            "INSERT INTO index_kit_wells (kit_id, well, i7_name, i5_name) VALUES (@kitId, @well, @I7Name, @I5Name)",
            kit.Wells.Select(w =>
            {
                IndexKitRules.Well(w.Well, out var normalized);
                return new { kitId = id, well = normalized ?? w.Well, w.I7Name, w.I5Name };
            }), tx);
    }

    public static async Task<IndexKitDto?> LoadAsync(NpgsqlConnection connection, Guid id, NpgsqlTransaction? tx = null)
    {
        var kit = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Name, string? DisplayName, string? Version, string Strategy,
            bool FixedLayout, string Adapters, string PrepKits, string Source, DateTime CreatedAt)>(
            """
            SELECT id, name::text, display_name, version, strategy, fixed_layout, adapters::text, library_prep_kits::text, source, created_at
            FROM index_kits WHERE id = @id
            """, new { id }, tx);
        if (kit.Id == Guid.Empty)
        {
            return null;
        }
        var indices = await connection.QueryAsync<KitIndex>(
            "SELECT name, sequence, read::int AS read FROM index_kit_indices WHERE kit_id = @id ORDER BY read, position", new { id }, tx);
        var wells = await connection.QueryAsync<KitWell>(
            "SELECT well, i7_name AS i7name, i5_name AS i5name FROM index_kit_wells " +
            "WHERE kit_id = @id ORDER BY substr(well, 2)::int, substr(well, 1, 1)", new { id }, tx);
        return new IndexKitDto(kit.Id, kit.Name, kit.DisplayName, kit.Version, kit.Strategy, kit.FixedLayout, [.. indices], [.. wells],
            JsonSerializer.Deserialize<Dictionary<string, string>>(kit.Adapters, Json) ?? [],
            JsonSerializer.Deserialize<List<string>>(kit.PrepKits, Json) ?? [], kit.Source, kit.CreatedAt);
    }
}
