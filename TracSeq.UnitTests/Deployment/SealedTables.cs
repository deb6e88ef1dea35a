using System.Text.RegularExpressions;

namespace TracSeq.UnitTests.Deployment;

/// <summary>
/// The tables a migration script seals: each named in a call <c>tracseq_seal_append_only('t')</c>, or in the array a
/// <c>FOREACH … IN ARRAY ARRAY['a', 'b']</c> loop hands to that call. Other quoted text of the script (check
/// constraints, messages) is not a table.
/// </summary>
public static partial class SealedTables
{
    public static IReadOnlyList<string> In(string sql)
    {
        if (!sql.Contains("PERFORM public.tracseq_seal_append_only", StringComparison.Ordinal))
        {
            return [];
        }
        var direct = DirectCall().Matches(sql).Select(m => m.Groups[1].Value);
        var looped = LoopArray().Matches(sql).SelectMany(m => QuotedName().Matches(m.Groups[1].Value).Select(n => n.Groups[1].Value));
        return [.. direct.Concat(looped).Distinct()];
    }

    [GeneratedRegex(@"tracseq_seal_append_only\('([a-z_]+)'\)")]
    private static partial Regex DirectCall();

    [GeneratedRegex(@"FOREACH\s+\w+\s+IN\s+ARRAY\s+ARRAY\[([^\]]*)\]", RegexOptions.IgnoreCase)]
    private static partial Regex LoopArray();

    [GeneratedRegex(@"'([a-z_]+)'")]
    private static partial Regex QuotedName();
}
