using Microsoft.AspNetCore.Http.HttpResults;

namespace TracSeq.Sequencing.Http;

/// <summary>OpenAPI documentation and the problem answers every Sequencing endpoint shares.</summary>
public static class Endpoints
{
    /// <summary>A summary and description, and the errors every signed-in route can answer besides its own.</summary>
    public static RouteHandlerBuilder Documented(this RouteHandlerBuilder route, string summary, string description) =>
        route.WithSummary(summary).WithDescription(description)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>A write: documented, restricted to <paramref name="policy"/> (403 below it), body problems answered 400.</summary>
    public static RouteHandlerBuilder Write(this RouteHandlerBuilder route, string policy, string summary, string description) =>
        route.Documented(summary, description).RequireAuthorization(policy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}.");

    public static ProblemHttpResult Conflict(string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, extensions: extensions);

    public static ProblemHttpResult SamplesUnavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The Samples service is unavailable; nothing was changed.", detail: detail,
            extensions: new Dictionary<string, object?> { ["dependency"] = "samples" });
}
