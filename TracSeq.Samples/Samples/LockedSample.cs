using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TracSeq.Samples.Projects;
using TracSeq.ServiceDefaults.Projects;

namespace TracSeq.Samples.Samples;

/// <summary>A sample locked for a change, with the caller's project access that allowed it.</summary>
public sealed record LockedSample(Sample Sample, ProjectAccess Access)
{
    /// <summary>Locks the sample for a change on the caller's behalf, or the refusal: 404 when absent or unseen, 403 for a viewer.</summary>
    public static async Task<(LockedSample? Locked, ProblemHttpResult? Refusal)> LockForWriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, ClaimsPrincipal user, SampleServices s, CancellationToken ct)
    {
        var sample = await SampleStore.LockAsync(connection, tx, id);
        if (sample is null)
        {
            return (null, SampleProblems.SampleNotFound());
        }
        var access = await s.Projects.ForAsync(user, ct);
        return access.WriteRefusal(sample.ProjectId, s.Denials) is { } refused ? (null, refused) : (new LockedSample(sample, access), null);
    }
}
