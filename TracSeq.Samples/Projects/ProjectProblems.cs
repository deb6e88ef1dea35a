using Microsoft.AspNetCore.Http.HttpResults;

namespace TracSeq.Samples.Projects;

/// <summary>The problem answers of the project rules, the same wherever a project is named.</summary>
public static class ProjectProblems
{
    public static ProblemHttpResult ProjectNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such project.");

    /// <summary>A code that names no project the caller can see: the same whether it exists or not.</summary>
    public static ProblemHttpResult UnknownCode(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such project.", detail: code,
            extensions: new Dictionary<string, object?> { ["projectCode"] = code });

    public static ProblemHttpResult ViewerOnly(string? code = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Your membership of this project is viewer: you may read, not change.", detail: code,
            extensions: code is null ? null : new Dictionary<string, object?> { ["projectCode"] = code });

    public static ProblemHttpResult OwnersOnly() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Only the project's owners and facility staff may manage it.");

    public static ProblemHttpResult Archived(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The project is archived: it is read-only.", detail: code,
            extensions: new Dictionary<string, object?> { ["projectCode"] = code });

    public static ProblemHttpResult CodeTaken(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another project has this code.", detail: code);

    public static ProblemHttpResult CodeFixed(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: "The project has samples: its code can no longer change.", detail: code);

    public static ProblemHttpResult LastOwner() =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
            title: "A project keeps at least one owner: name another owner first.");
}
