namespace TracSeq.Samples;

public static class Like
{
    /// <summary>Makes user text match literally inside an ILIKE pattern (PostgreSQL's default escape is the backslash).</summary>
    public static string Escape(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
