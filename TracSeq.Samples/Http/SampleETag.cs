using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using TracSeq.ServiceDefaults.Problems;

namespace TracSeq.Samples;

public enum IfMatchOutcome { Absent, Matches, DoesNotMatch, Malformed }

/// <summary>
/// The sample's concurrency version as an entity tag, and the <c>If-Match</c> check that stops two people editing
/// the same sample from silently overwriting each other.
/// </summary>
public static class SampleETag
{
    public static string For(int version) => $"\"{version}\"";

    /// <summary><c>If-Match</c> is optional; when given it must name the current version (or be <c>*</c>).
    /// Comparison is strong, as RFC 9110 requires for If-Match.</summary>
    public static IfMatchOutcome Check(HttpRequest request, int currentVersion)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return IfMatchOutcome.Absent;
        }
        if (!EntityTagHeaderValue.TryParseStrictList(values, out var tags) || tags.Count == 0)
        {
            return IfMatchOutcome.Malformed;
        }
        var current = new EntityTagHeaderValue(For(currentVersion));
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: true))
            ? IfMatchOutcome.Matches
            : IfMatchOutcome.DoesNotMatch;
    }

    /// <summary>
    /// The refusal of a change under <c>If-Match</c>: 400 when it is not an entity tag, 412 when it names another
    /// version; both null to go on.
    /// </summary>
    public static (ValidationProblem? Malformed, ProblemHttpResult? Stale) IfMatchRefusal(HttpRequest request, int currentVersion) =>
        Check(request, currentVersion) switch
        {
            IfMatchOutcome.Malformed => (
                new ValidationErrors().Add("If-Match", "If-Match must be an entity tag as given in ETag, such as \"3\".").ToProblem(), null),
            IfMatchOutcome.DoesNotMatch => (null, SampleProblems.PreconditionFailed(currentVersion)),
            _ => (null, null),
        };
}
