using System.Net;
using System.Text.Json;

namespace TracSeq.Web.Api;

/// <summary>An RFC 9457 problem as the services write it, with the field errors of a 400.</summary>
public sealed record Problem(string? Title, string? Detail, int Status, IReadOnlyDictionary<string, string[]> Errors, JsonElement Raw)
{
    public static Problem FromJson(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement.Clone();
            var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in e.EnumerateObject())
                {
                    errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                        : [field.Value.ToString()];
                }
            }
            return new Problem(Text(root, "title"), Text(root, "detail"), status, errors, root);
        }
        catch (JsonException)
        {
            return new Problem(null, null, status, new Dictionary<string, string[]>(), default);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The project a refusal names (the services add <c>projectCode</c> to project problems).</summary>
    public string? ProjectCode => Text(Raw, "projectCode");

    /// <summary>The first error for a field (matched ignoring case), for showing next to that field.</summary>
    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var m) && m.Length > 0 ? string.Join(" ", m) : null;
}

/// <summary>The answer of one gateway call: the value on success, else the status and problem, in words for people.</summary>
public sealed class ApiResult<T>
{
    public HttpStatusCode Status { get; init; }
    public T? Value { get; init; }
    public Problem? Problem { get; init; }
    public string? ETag { get; init; }
    public TimeSpan? RetryAfter { get; init; }

    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>What to tell the user when the call failed; field errors are shown next to their fields separately.</summary>
    public string Message => Status switch
    {
        _ when Ok => "",
        // A project's refusal (viewer only, not a member where one must be) says so and names the project: the role is not the reason.
        HttpStatusCode.Forbidden when Problem?.ProjectCode is { } code => $"{Problem.Title ?? "Not allowed in this project."} ({code})",
        HttpStatusCode.Forbidden => "This is not allowed for your role.",
        HttpStatusCode.NotFound => Problem?.Detail ?? "Not found.",
        HttpStatusCode.PreconditionFailed => "Someone else changed this in the meantime. The current values are shown; check them and try again.",
        HttpStatusCode.Conflict => Problem?.Detail ?? Problem?.Title ?? "This conflicts with the current state.",
        HttpStatusCode.TooManyRequests => $"Too many requests. Wait {Seconds(RetryAfter)} and try again.",
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout =>
            "TracSeq is not answering right now. Your data is safe; try again in a moment.",
        HttpStatusCode.Unauthorized => "Your session has ended — sign in again",
        _ => Problem?.Detail ?? Problem?.Title ?? $"The request failed ({(int)Status}).",
    };

    public static string Seconds(TimeSpan? wait) => wait is { } w
        ? w.TotalSeconds >= 90 ? $"{Math.Ceiling(w.TotalMinutes)} minutes" : $"{Math.Ceiling(w.TotalSeconds)} seconds"
        : "a moment";
}
