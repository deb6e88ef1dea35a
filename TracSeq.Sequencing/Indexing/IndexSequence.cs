namespace TracSeq.Sequencing.Indexing;

/// <summary>
/// The one rule for an index sequence, used by kit files, JSON kits, custom library indices and the API: only the bases
/// A, C, G and T (either case on input, stored upper-case), 4 to 24 of them. Illumina indices are 6–10 bases in
/// practice; 24 leaves room for UMI-carrying custom designs without letting a whole adapter through.
/// </summary>
public static class IndexSequence
{
    public const int MinLength = 4;
    public const int MaxLength = 24;

    public static bool IsValid(string? sequence) => sequence is not null && IsValid(sequence.AsSpan());

    /// <summary>The same rule on a slice (a kit file's cell), without making a string of it.</summary>
    public static bool IsValid(ReadOnlySpan<char> sequence)
    {
        if (sequence.Length is < MinLength or > MaxLength)
        {
            return false;
        }
        foreach (var c in sequence)
        {
            if (!IsBase(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The sequence upper-cased when it is valid, otherwise null (callers report the field).</summary>
    public static string? Normalize(string? sequence) =>
        IsValid(sequence) ? sequence!.ToUpperInvariant() : null;

    /// <summary>Reverse complement of a valid sequence (upper-case out); throws on anything that is not ACGT.</summary>
    public static string ReverseComplement(string sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return string.Create(sequence.Length, sequence, static (target, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                target[source.Length - 1 - i] = char.ToUpperInvariant(source[i]) switch
                {
                    'A' => 'T',
                    'C' => 'G',
                    'G' => 'C',
                    'T' => 'A',
                    var other => throw new ArgumentException($"'{other}' is not a base (A, C, G or T).", nameof(sequence)),
                };
            }
        });
    }

    /// <summary>The first character of <paramref name="sequence"/> that is not A, C, G or T, or null when there is none.</summary>
    public static char? FirstInvalidBase(string sequence)
    {
        foreach (var c in sequence)
        {
            if (!IsBase(c))
            {
                return c;
            }
        }
        return null;
    }

    private static bool IsBase(char c) => c is 'A' or 'C' or 'G' or 'T' or 'a' or 'c' or 'g' or 't';
}
