using System.Text.Json;
using System.Text.RegularExpressions;

namespace TracSeq.Tests.Monitoring;

/// <summary>Just enough PromQL reading for tests: which metrics an expression selects.</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"];

    /// <summary>The metric names an expression reads (labels, functions, keywords and durations left out).</summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var bare = Strings().Replace(expression, "\"\"");
        bare = Matchers().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Groupings().Replace(bare, " ");
        return Identifiers().Matches(bare)
            .Where(m => !m.Groups["call"].Success && !Keywords.Contains(m.Groups["name"].Value.ToLowerInvariant()))
            .Select(m => m.Groups["name"].Value)
            .ToHashSet();
    }

    /// <summary>Evaluates an instant query and returns the result vector (throws on a PromQL error).</summary>
    public static async Task<JsonElement> QueryAsync(HttpClient prometheus, string expression)
    {
        using var response = await prometheus.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        root.GetProperty("status").GetString().ShouldBe("success", $"{expression}: {root}");
        return root.GetProperty("data").GetProperty("result").Clone();
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Groupings();

    [GeneratedRegex(@"(?<![\w.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();
}
