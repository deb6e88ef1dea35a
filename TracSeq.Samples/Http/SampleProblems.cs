using Microsoft.AspNetCore.Http.HttpResults;
using TracSeq.Samples.Lifecycle;

namespace TracSeq.Samples;

/// <summary>The problem answers the sample and storage endpoints share, so the same situation reads the same everywhere.</summary>
public static class SampleProblems
{
    public static ProblemHttpResult SampleNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sample.");

    public static ProblemHttpResult LocationNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such storage location.");

    public static ProblemHttpResult PreconditionFailed(int currentVersion) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The sample has changed since you read it.",
            detail: $"If-Match did not name the current version {SampleETag.For(currentVersion)}; read the sample again and reapply your change.",
            extensions: new Dictionary<string, object?> { ["currentETag"] = SampleETag.For(currentVersion) });

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

    public static ProblemHttpResult DuplicateBarcode(IReadOnlyCollection<string> barcodes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: barcodes.Count == 1 ? "This barcode is already in use." : "These barcodes are already in use.",
            detail: string.Join(", ", barcodes.Take(20)),
            extensions: new Dictionary<string, object?> { ["barcodes"] = barcodes });

    public static ProblemHttpResult IdempotencyKeyReused() => TracSeq.ServiceDefaults.Data.IdempotencyRecords.KeyReused();
}
