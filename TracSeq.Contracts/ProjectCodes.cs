using System.Text.RegularExpressions;

namespace TracSeq.Contracts;

/// <summary>A project code: 1 to 50 letters, digits, dots, hyphens or underscores, starting with a letter or digit.</summary>
public static partial class ProjectCodes
{
    public const int MaxLength = 50;

    /// <summary>The pattern as published in the API documentation (<c>\z</c>: no trailing line feed slips through).</summary>
    public const string PatternText = @"\A[A-Za-z0-9][A-Za-z0-9._-]{0,49}\z";

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string code) => Pattern().IsMatch(code);
}
