using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace TracSeq.Templates.Templates;

/// <summary>
/// A column's <c>pattern</c>, run with .NET's non-backtracking engine: its time is linear in the cell's length whatever
/// the pattern, so a pattern like <c>(a+)+b</c> cannot keep the service busy (ReDoS). Constructs only a backtracking
/// engine can run (backreferences, lookarounds, atomic groups, conditionals) are refused when the template is saved.
/// A match timeout stays as a second guard. The whole cell must match (<c>\A…\z</c>: no trailing newline slips by).
/// </summary>
public static class TemplatePatterns
{
    public const int MaxLength = 500;
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private const int MaxCached = 1000;
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    /// <summary>Null when the pattern can be used; otherwise why not, in words for the template's author.</summary>
    public static string? Problem(string pattern)
    {
        if (pattern.Length > MaxLength)
        {
            return $"pattern may have at most {MaxLength} characters.";
        }
        try
        {
            _ = Build(pattern);
            return null;
        }
        catch (NotSupportedException)
        {
            return "pattern uses a construct that needs backtracking (a backreference, lookahead/lookbehind, atomic group or conditional); write it without.";
        }
        catch (ArgumentException e)
        {
            return $"pattern is not a valid regular expression: {e.Message}";
        }
    }

    /// <summary>Whether the whole <paramref name="text"/> matches; throws <see cref="RegexMatchTimeoutException"/> past the timeout.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        if (!Cache.TryGetValue(pattern, out var regex))
        {
            if (Cache.Count >= MaxCached)
            {
                Cache.Clear(); // templates change rarely; a full cache means churn, not a working set
            }
            regex = Cache.GetOrAdd(pattern, Build);
        }
        return regex.IsMatch(text);
    }

    private static Regex Build(string pattern) =>
        new($@"\A(?:{pattern})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
}
