using Microsoft.AspNetCore.Http.HttpResults;

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

    public static ProblemHttpResult DuplicateBarcode(IReadOnlyCollection<string> barcodes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: barcodes.Count == 1 ? "This barcode is already in use." : "These barcodes are already in use.",
            detail: string.Join(", ", barcodes.Take(20)),
            extensions: new Dictionary<string, object?> { ["barcodes"] = barcodes });

    public static ProblemHttpResult IdempotencyKeyReused() => TracSeq.ServiceDefaults.Data.IdempotencyRecords.KeyReused();
}
