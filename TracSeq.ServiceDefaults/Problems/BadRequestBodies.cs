using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace TracSeq.ServiceDefaults.Problems;

/// <summary>
/// What a 400 for an unreadable request body tells the client: which field, never the serializer's message (it names
/// CLR types, parameter names and JSON paths such as "could not be converted to System.Guid. Path: $.x"). The
/// specifics go to the log with the trace id.
/// </summary>
public static partial class BadRequestBodies
{
    public const string Detail = "The request body is not valid JSON for this endpoint, or a field has the wrong type.";
    public const string GenericDetail = "The request could not be read.";

    /// <summary>The generic detail and, where the serializer knew it, the field (a path such as <c>samples[3].volume</c>).</summary>
    public static (string Detail, string? Field) Describe(BadHttpRequestException exception)
    {
        var json = FindJson(exception);
        if (json is null)
        {
            return (GenericDetail, null);
        }
        return (Detail, FieldOf(json.Path));
    }

    /// <summary><c>$.samples[3].volume</c> → <c>samples[3].volume</c>; the root or nothing → null; anything odd → null.</summary>
    public static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length is > 0 and <= 200 && PlainPath().IsMatch(field) ? field : null;
    }

    private static JsonException? FindJson(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }
        return null;
    }

    // Property names the client chose are echoed only when they are plain identifiers and indexes.
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])*)*\z")]
    private static partial Regex PlainPath();
}
