using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Samples.Samples;

namespace TracSeq.Samples.Lifecycle;

/// <summary>The refusals of status changes, one sample at a time or many at once, so each reads the same everywhere.</summary>
public static class LifecycleProblems
{
    public static ProblemHttpResult IllegalMove(string from, string to)
    {
        var allowed = SampleStatusMachine.AllowedMoves(from);
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: "This status change is not allowed.",
            detail: allowed.Count == 0
                ? $"A sample that is {from} cannot change status any more."
                : $"A sample that is {from} can move to: {string.Join(", ", allowed)}.",
            extensions: new Dictionary<string, object?> { ["from"] = from, ["to"] = to, ["allowed"] = allowed });
    }

    public static ProblemHttpResult DiscardNeedsAdministrator() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Only a lab administrator may discard samples.");
}

/// <summary>The all-or-nothing refusals of a move of many samples (a bulk change, a run's move).</summary>
public static class BulkMoves
{
    /// <summary>409 naming (up to 100 of) the samples the state machine will not move to <paramref name="to"/>; null when all may.</summary>
    public static ProblemHttpResult? Refusal(IEnumerable<Sample> moving, int total, string to)
    {
        var refused = moving.Where(x => !SampleStatusMachine.CanMove(x.Status, to)).ToList();
        if (refused.Count == 0)
        {
            return null;
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"{refused.Count} of {total} samples cannot move to {to}; nothing was changed.",
            extensions: new Dictionary<string, object?>
            {
                ["to"] = to,
                ["refused"] = refused.Take(100).Select(x => new
                {
                    x.Id, x.Barcode, from = x.Status, allowed = SampleStatusMachine.AllowedMoves(x.Status),
                }).ToList(),
            });
    }

    /// <summary>404 naming (up to 100 of) the samples that do not exist for the caller.</summary>
    public static ProblemHttpResult Missing(IReadOnlyList<Guid> missing, string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title,
            extensions: new Dictionary<string, object?> { ["missing"] = missing.Take(100).ToList() });
}
