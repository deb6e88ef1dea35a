using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Sequencing.Labels;

public sealed record LabelItemsRequest(IReadOnlyList<Guid>? LibraryIds, IReadOnlyList<Guid>? PoolIds);

/// <summary>What a library's or pool's label shows. A pool's project is its libraries' one, when they share one.</summary>
public sealed record LabelSource(Guid Id, string Barcode, string Name, string? ProjectCode, DateTime CreatedAt);

public sealed record LabelItemsResult(IReadOnlyList<LabelSource> Libraries, IReadOnlyList<LabelSource> Pools);

/// <summary>
/// <c>POST /internal/labels/items</c>: Samples prints the labels and asks Sequencing, service to service with the
/// user's token, what the labels of libraries and pools say. Answers in the order asked; ids it does not know are
/// simply absent, and Samples names them in its 404.
/// </summary>
public static class LabelItemsInternalApi
{
    public const string Path = "/internal/labels/items";
    public const int MaxIds = 1000;

    public static IEndpointRouteBuilder MapLabelItemsInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReadAsync).RequireAuthorization(Policies.CanHandleSamples).RequireServiceIdentity("samples")
            .WithTags("Internal").ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<LabelItemsResult>, ValidationProblem>> ReadAsync(
        LabelItemsRequest request, System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db, Projects.ProjectGate projects, CancellationToken ct)
    {
        var libraryIds = request.LibraryIds ?? [];
        var poolIds = request.PoolIds ?? [];
        var errors = new ValidationErrors()
            .Check(libraryIds.Count <= MaxIds, "libraryIds", $"At most {MaxIds} library ids.")
            .Check(poolIds.Count <= MaxIds, "poolIds", $"At most {MaxIds} pool ids.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        // Rule 1 for the user the labels are printed for: libraries of their projects only, pools (the facility's) for
        // staff only; the rest is absent, as an unknown id is, and Samples answers 404 naming them.
        var access = await projects.ForAsync(user, ct);
        if (!access.IsStaff)
        {
            poolIds = [];
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        // Columns in the order of LabelSource's constructor: Dapper maps a record by position and name.
        var libraries = (await connection.QueryAsync<LabelSource>(new CommandDefinition("""
            SELECT l.id, l.barcode, l.name, l.sample_project AS project_code, l.created_at
            FROM unnest(@ids) WITH ORDINALITY AS wanted(id, n) JOIN libraries l ON l.id = wanted.id
            WHERE @visible::uuid[] IS NULL OR l.project_id = ANY(@visible) ORDER BY wanted.n
            """, new { ids = libraryIds.ToArray(), visible = access.VisibleProjectIds }, cancellationToken: ct))).ToList();
        var pools = (await connection.QueryAsync<LabelSource>(new CommandDefinition("""
            SELECT p.id, p.barcode, p.name,
                   (SELECT CASE WHEN count(DISTINCT l.sample_project) = 1 THEN min(l.sample_project) END
                    FROM pool_libraries pl JOIN libraries l ON l.id = pl.library_id WHERE pl.pool_id = p.id) AS project_code,
                   p.created_at
            FROM unnest(@ids) WITH ORDINALITY AS wanted(id, n) JOIN pools p ON p.id = wanted.id ORDER BY wanted.n
            """, new { ids = poolIds.ToArray() }, cancellationToken: ct))).ToList();
        return TypedResults.Ok(new LabelItemsResult(libraries, pools));
    }
}
