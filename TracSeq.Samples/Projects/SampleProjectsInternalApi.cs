using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Contracts.Internal;
using TracSeq.ServiceDefaults.Problems;
using TracSeq.ServiceDefaults.Security;

namespace TracSeq.Samples.Projects;

/// <summary>
/// Which project each of some samples is in, for Sequencing's filing of libraries made before projects existed
/// (service identity only; it answers no user, so it carries no user token).
/// </summary>
public static class SampleProjectsInternalApi
{
    public static IEndpointRouteBuilder MapSampleProjectsInternalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(SampleProjectsRequest.Path, LookupAsync).AllowAnonymous().RequireServiceIdentity("sequencing")
            .WithTags("Internal").ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<SampleProject>>, ValidationProblem>> LookupAsync(
        SampleProjectsRequest request, NpgsqlDataSource db, CancellationToken ct)
    {
        var ids = request.SampleIds ?? [];
        var errors = new ValidationErrors().Check(ids.Count <= SampleProjectsRequest.MaxSampleIds, "sampleIds",
            $"At most {SampleProjectsRequest.MaxSampleIds} sample ids per call.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SampleProject>(
            "SELECT id AS sample_id, project_id FROM samples WHERE id = ANY(@ids)", new { ids = ids.Distinct().ToArray() });
        return TypedResults.Ok<IReadOnlyList<SampleProject>>([.. rows]);
    }
}
