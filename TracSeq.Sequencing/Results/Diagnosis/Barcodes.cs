using TracSeq.Sequencing.Indexing;

namespace TracSeq.Sequencing.Results.Diagnosis;

/// <summary>Sequence helpers of the diagnosis: reverse complement that keeps N, poly-G, adapter i5s.</summary>
public static class Barcodes
{
    /// <summary>What a read of a single-index adapter gives as i5: the i5 adapter's own bases (TruSeq/Nextera) or no signal.</summary>
    public static readonly IReadOnlyList<string> AdapterI5 = ["TCTTTCCC", "AGATCTCG"];

    public static string Rc(string sequence)
    {
        if (sequence.Contains('N'))
        {
            var chars = sequence.Reverse().Select(c => c switch { 'A' => 'T', 'C' => 'G', 'G' => 'C', 'T' => 'A', _ => 'N' }).ToArray();
            return new string(chars);
        }
        return IndexSequence.ReverseComplement(sequence);
    }

    /// <summary>No signal on a two-colour instrument reads as G: a run of G (N allowed), at least half G.</summary>
    public static bool IsPolyG(string? sequence) =>
        sequence is { Length: > 0 } s && s.All(c => c is 'G' or 'N') && s.Count(c => c == 'G') * 2 >= s.Length;

    public static bool IsAdapterI5(string? sequence) =>
        sequence is { Length: > 0 } s
        && (IsPolyG(s)
            || AdapterI5.Any(a => s.Length <= a.Length ? a.StartsWith(s, StringComparison.Ordinal) : s.StartsWith(a, StringComparison.Ordinal)));
}
