using Microsoft.AspNetCore.Http.HttpResults;

namespace TracSeq.Auth;

/// <summary>The problem answers more than one of Auth's features give.</summary>
public static class AuthProblems
{
    /// <summary>The database change is made but the deny list (Redis) could not be written even after retrying: the
    /// caller must know, since tokens may stay usable at other services until they expire (at most 15 minutes).</summary>
    public static ProblemHttpResult RevocationNotRecorded(string title) => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: title,
        detail: "The token deny list is unavailable. Send the same request again shortly: it is safe to repeat.",
        extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = 5 });
}
