using System.Globalization;
using System.Text.RegularExpressions;

namespace TracSeq.Web.Api;

/// <summary>Box positions as the lab writes them: a row letter and a column number (B7; "b07" is B7).</summary>
public static partial class BoxPositions
{
    public static string RowLetter(int rowIndex) => ((char)('A' + rowIndex)).ToString();

    public static string Normalize(string position)
    {
        var match = Shape().Match(position.Trim());
        return match.Success
            ? match.Groups[1].Value.ToUpperInvariant() + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
            : position.Trim().ToUpperInvariant();
    }

    [GeneratedRegex("^([A-Za-z])0*([0-9]+)$")]
    private static partial Regex Shape();
}
