using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Sequencing.Http;
using TracSeq.Sequencing.Indexing;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Sequencing.IndexChecks;

public sealed record IndexCheckEntryRequest(string? Id, string? Index1, string? Index2);

public sealed record IndexCheckRequest(
    int? BarcodeMismatchesIndex1, int? BarcodeMismatchesIndex2, IReadOnlyList<IndexCheckEntryRequest?>? Entries, IReadOnlyList<Guid>? LibraryIds);

/// <summary>
/// The first <see cref="IndexCollisionChecker.MaxReported"/> pairs, the count of all colliding pairs, and whether the list stops short of it.
/// </summary>
public sealed record IndexCheckResponse(bool Ok, IReadOnlyList<IndexCollision> Collisions, long TotalCollisions, bool Truncated, IReadOnlyList<string> Warnings)
{
    public static IndexCheckResponse From(IndexCheckResult result) =>
        new(result.Ok, result.Collisions, result.TotalCollisions, result.Truncated, result.Warnings);
}

/// <summary>
/// <c>POST /api/index-checks</c>: would these indices be told apart on one lane? The rule itself is
/// <see cref="IndexCollisionChecker"/>; pools and run lanes call it the same way.
/// </summary>
public static class IndexChecksApi
{
    public const int MaxEntries = 10_000;

    public static RouteHandlerBuilder MapIndexChecksApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/index-checks", CheckAsync).WithTags("Index checks")
            .Write(SequencingPolicies.LabWork, "Check indices for collisions",
                "Entries {id, index1, index2?} or libraryIds; two entries collide when their Index 1 Hamming distance is at most " +
                "2 × barcodeMismatchesIndex1 and (either has no Index 2, or their Index 2 distance is at most 2 × barcodeMismatchesIndex2). " +
                "Different lengths are compared over the shorter. Mismatches are 0, 1 or 2 (default 1). Writes nothing. " +
                $"Lists the first {IndexCollisionChecker.MaxReported} colliding pairs in input order, with totalCollisions and truncated.");

    public static async Task<Results<Ok<IndexCheckResponse>, ValidationProblem>> CheckAsync(
        IndexCheckRequest request, System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db, Projects.ProjectGate projects, CancellationToken ct)
    {
        var errors = new ValidationErrors().CheckMismatches(request.BarcodeMismatchesIndex1, request.BarcodeMismatchesIndex2)
            .Check((request.Entries is null) != (request.LibraryIds is null), "entries", "Give either entries or libraryIds.")
            .Check(request.Entries is null or { Count: <= MaxEntries }, "entries", $"entries may list at most {MaxEntries}.")
            .Check(request.LibraryIds is null or { Count: <= MaxEntries }, "libraryIds", $"libraryIds may list at most {MaxEntries}.");
        var entries = ReadEntries(request, errors);
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        if (request.LibraryIds is not null)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            // Another project's library is named as unknown, like one that never existed (rule 1).
            var visible = (await projects.ForAsync(user, ct)).VisibleProjectIds;
            var (libraries, missing) = await LibraryIndicesAsync(connection, request.LibraryIds, "libraryIds", visible: visible);
            if (missing is not null)
            {
                return missing;
            }
            entries = [.. libraries.Select(l => new IndexEntry(l.Barcode, l.Index1, l.Index2))];
        }
        var result = IndexCollisionChecker.Check(entries, request.BarcodeMismatchesIndex1 ?? 1, request.BarcodeMismatchesIndex2 ?? 1);
        SequencingMetrics.IndexCollisions.WithLabels("check").Inc(result.TotalCollisions);
        return TypedResults.Ok(IndexCheckResponse.From(result));
    }

    /// <summary>The 409 for a pool whose libraries collide: the first pairs, how many in all, and whether the list is cut.</summary>
    public static ProblemHttpResult CollisionConflict(IndexCheckResult check, string? title = null) =>
        Endpoints.Conflict(title ?? string.Create(CultureInfo.InvariantCulture,
                $"{check.TotalCollisions} pair(s) of libraries have indices too similar to tell apart; nothing was created."),
            string.Create(CultureInfo.InvariantCulture,
                $"Each pair is named by library barcode with its Index 1 and Index 2 Hamming distances; " +
                $"the first {IndexCollisionChecker.MaxReported} are listed."),
            new Dictionary<string, object?>
            {
                ["collisions"] = check.Collisions, ["totalCollisions"] = check.TotalCollisions, ["truncated"] = check.Truncated, ["warnings"] = check.Warnings,
            });

    /// <summary>The request's own entries (none when it names libraries), each checked.</summary>
    private static List<IndexEntry> ReadEntries(IndexCheckRequest request, ValidationErrors errors)
    {
        var entries = new List<IndexEntry>();
        for (var i = 0; request.Entries is not null && i < request.Entries.Count && request.Entries.Count <= MaxEntries; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"entries[{i}]");
            var e = request.Entries[i];
            errors.Check(e is not null, at, "An entry is an object {id, index1, index2?}.");
            if (e is null)
            {
                continue;
            }
            errors.Text($"{at}.id", e.Id, 200)
                .Check(IndexSequence.IsValid(e.Index1), $"{at}.index1", "index1 must be 4 to 24 bases, only A, C, G and T.")
                .Check(e.Index2 is null || IndexSequence.IsValid(e.Index2), $"{at}.index2", "index2 must be 4 to 24 bases, only A, C, G and T.");
            entries.Add(new IndexEntry(e.Id ?? "", e.Index1?.ToUpperInvariant() ?? "", e.Index2?.ToUpperInvariant()));
        }
        return entries;
    }

    public static ValidationErrors CheckMismatches(this ValidationErrors errors, int? m1, int? m2) =>
        errors.Check(m1 is null or (>= 0 and <= IndexCollisionChecker.MaxMismatches), "barcodeMismatchesIndex1", "barcodeMismatchesIndex1 must be 0, 1 or 2.")
            .Check(m2 is null or (>= 0 and <= IndexCollisionChecker.MaxMismatches), "barcodeMismatchesIndex2", "barcodeMismatchesIndex2 must be 0, 1 or 2.");

    public sealed record LibraryIndex(Guid Id, string Barcode, string Name, string Status, string Index1, string? Index2);

    /// <summary>The listed libraries in the order given; unknown ones named as <c>{field}[i]</c>.</summary>
    public static async Task<(IReadOnlyList<LibraryIndex> Libraries, ValidationProblem? Missing)> LibraryIndicesAsync(
        NpgsqlConnection connection, IReadOnlyList<Guid> ids, string field, NpgsqlTransaction? tx = null, Guid[]? visible = null)
    {
        // Inside a transaction (pool creation) the rows are locked in id order, the order run planning and index changes
        // take (PoolGuards), so an index cannot change between the check and the commit.
        var found = (await connection.QueryAsync<LibraryIndex>(
            $"""
            SELECT id, barcode, name, status, index1, index2 FROM libraries
            WHERE id = ANY(@ids) AND (@visible::uuid[] IS NULL OR project_id = ANY(@visible)) ORDER BY id{(tx is null ? "" : " FOR SHARE")}
            """,
            new { ids = ids.ToArray(), visible }, tx))
            .ToDictionary(l => l.Id);
        var errors = new ValidationErrors();
        for (var i = 0; i < ids.Count; i++)
        {
            errors.Check(found.ContainsKey(ids[i]), string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]"), $"No library has the id {ids[i]}.");
        }
        return errors.IsValid ? ([.. ids.Select(id => found[id])], null) : ([], errors.ToProblem());
    }
}
