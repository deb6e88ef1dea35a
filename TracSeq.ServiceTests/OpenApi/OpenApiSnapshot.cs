using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TracSeq.ServiceTests.OpenApi;

/// <summary>
/// A service's OpenAPI document against the snapshot committed next to this file (<c>OpenApi/{service}.json</c>), so a
/// refactoring that changes a route, a parameter, a schema or an answer fails here. Before comparing, both sides
/// lose what only documents and what differs by run:
/// <list type="bullet">
/// <item>the members <see cref="DocumentationMembers"/> (<c>summary</c>, <c>description</c>, <c>example</c>,
/// <c>examples</c>, <c>externalDocs</c>) wherever they are, except where they name a property of a schema
/// (inside <c>properties</c>) or a path;</item>
/// <item><c>servers</c> (the test server's random port);</item>
/// </list>
/// and order where it means nothing: object members are sorted by name, and the sets <c>required</c>, <c>tags</c>
/// (by name) and <c>parameters</c> (by <c>in</c> and <c>name</c>) are sorted. Array order elsewhere (enum values,
/// oneOf, security) is kept.
/// <para>
/// To take a new snapshot on purpose (an intended change of the API), run the tier with
/// <c>TRACSEQ_UPDATE_OPENAPI_SNAPSHOTS=1</c>: each test then writes its service's normalised document over the
/// snapshot in the source tree, and the diff goes into the commit for review.
/// </para>
/// </summary>
public static class OpenApiSnapshot
{
    public const string UpdateVariable = "TRACSEQ_UPDATE_OPENAPI_SNAPSHOTS";

    public static readonly string[] DocumentationMembers = ["summary", "description", "example", "examples", "externalDocs"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task AssertMatchesAsync(HttpClient client, string service)
    {
        using var response = await client.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"GET /openapi/v1.json answered {(int)response.StatusCode}: {text}");
        var actual = Normalise(JsonNode.Parse(text)!);
        var file = SnapshotPath(service);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(file, actual.ToJsonString(Indented) + "\n");
        }
        File.Exists(file).ShouldBeTrue($"No OpenAPI snapshot at {file}: run the tier once with {UpdateVariable}=1 and commit it.");
        var expected = Normalise(JsonNode.Parse(await File.ReadAllTextAsync(file))!);
        if (FirstDifference(expected, actual, "$") is { } difference)
        {
            throw new Xunit.Sdk.XunitException(
                $"The {service} OpenAPI document differs from its snapshot {file} (documentation members ignored) at {difference}. " +
                $"If the change is intended, refresh the snapshot with {UpdateVariable}=1 and commit it.");
        }
    }

    /// <summary>The snapshot in the source tree (not a copy in the test binaries: an update must land in the commit).</summary>
    public static string SnapshotPath(string service) =>
        Path.Combine(Infrastructure.RepositoryPaths.Root, "TracSeq.ServiceTests", "OpenApi", $"{service}.json");

    public static JsonNode Normalise(JsonNode document)
    {
        var copy = document.DeepClone();
        if (copy is JsonObject root)
        {
            root.Remove("servers");
        }
        return Sorted(copy, parent: null)!;
    }

    private static JsonNode? Sorted(JsonNode? node, string? parent)
    {
        switch (node)
        {
            case JsonObject o:
                var result = new JsonObject();
                // Under "properties" and "paths" the names are the API's own (a property may be called "description").
                var names = parent is "properties" or "paths" or "responses" or "schemas" ? o.Select(p => p.Key)
                    : o.Select(p => p.Key).Where(k => !DocumentationMembers.Contains(k));
                foreach (var name in names.Order(StringComparer.Ordinal))
                {
                    result[name] = Sorted(o[name], name);
                }
                return result;
            case JsonArray a:
                var items = a.Select(i => Sorted(i, null)).ToList();
                IEnumerable<JsonNode?> ordered = parent switch
                {
                    "required" => items.OrderBy(i => i?.ToJsonString(), StringComparer.Ordinal),
                    "tags" => items.OrderBy(i => i is JsonObject t ? t["name"]?.ToJsonString() : i?.ToJsonString(), StringComparer.Ordinal),
                    "parameters" => items.OrderBy(i => $"{i?["in"]?.ToJsonString()} {i?["name"]?.ToJsonString()} {i?["$ref"]?.ToJsonString()}",
                        StringComparer.Ordinal),
                    _ => items,
                };
                return new JsonArray([.. ordered]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The JSON path of the first place where the two differ, with both sides there; null when equal.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
                {
                    var child = $"{path}{Step(name)}";
                    if (!e.ContainsKey(name))
                    {
                        return $"{child}: not in the snapshot, now {Short(a[name])}";
                    }
                    if (!a.ContainsKey(name))
                    {
                        return $"{child}: in the snapshot ({Short(e[name])}), now missing";
                    }
                    if (FirstDifference(e[name], a[name], child) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{path}: {e.Count} items in the snapshot, now {a.Count}";
                    }
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                var (left, right) = (expected?.ToJsonString() ?? "null", actual?.ToJsonString() ?? "null");
                return left == right ? null : $"{path}: snapshot {Short(expected)}, now {Short(actual)}";
        }
    }

    private static string Step(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c is '_' or '$') ? $".{name}" : $"['{name}']";

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 200 ? text : new StringBuilder(text, 0, 200, 203).Append("...").ToString();
    }
}
