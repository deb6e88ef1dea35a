using System.Globalization;
using System.Text;

namespace TracSeq.Sequencing.Indexing;

/// <summary>
/// Things worth telling the lab that do not stop a pool: mixed single/dual indexing, mixed index lengths, and index cycles
/// where a two-colour instrument sees no signal in one channel. Messages are fixed sentences so clients can show them
/// as they are.
/// </summary>
internal static class IndexWarnings
{
    private const int NamesShown = 3;

    public static IReadOnlyList<string> For(PackedIndices packed, IReadOnlyList<IndexEntry> entries)
    {
        var warnings = new List<string>();
        MixedIndexing(entries, warnings);
        MixedLengths(packed.Length1, "Index 1", warnings);
        MixedLengths(DualOnly(packed.Length2), "Index 2", warnings);
        DarkCycles(packed, read: 1, warnings);
        DarkCycles(packed, read: 2, warnings);
        return warnings;
    }

    private static void MixedIndexing(IReadOnlyList<IndexEntry> entries, List<string> warnings)
    {
        var single = entries.Where(e => !PackedIndices.HasIndex2(e)).Select(e => e.Id).ToList();
        if (single.Count == 0 || single.Count == entries.Count)
        {
            return;
        }
        warnings.Add(string.Create(CultureInfo.InvariantCulture,
            $"Mixed single and dual indexing: {single.Count} of {entries.Count} entries have no Index 2 ({Names(single)}); " +
            $"pairs with one of them are compared on Index 1 only."));
    }

    private static void MixedLengths(IEnumerable<int> lengths, string read, List<string> warnings)
    {
        var distinct = lengths.Distinct().Order().ToList();
        if (distinct.Count > 1)
        {
            warnings.Add($"{read} lengths differ ({string.Join(", ", distinct)} bases); indices are compared over the shorter length.");
        }
    }

    private static IEnumerable<int> DualOnly(int[] lengths2) => lengths2.Where(l => l > 0);

    /// <summary>
    /// Two-colour SBS (MiniSeq, NextSeq, NovaSeq): A is seen in both channels, C in one, T in the other,
    /// G in neither. A cycle where every index has only C/G (or only T/G) leaves a channel dark; only G leaves both dark,
    /// and the instrument cannot register the cycle. Checked for sets of two or more over the cycles all of them have.
    /// </summary>
    private static void DarkCycles(PackedIndices p, int read, List<string> warnings)
    {
        var lengths = read == 1 ? p.Length1 : p.Length2;
        var members = Enumerable.Range(0, p.Count).Where(i => lengths[i] > 0).ToList();
        if (members.Count < 2)
        {
            return;
        }
        var cycles = members.Min(i => lengths[i]);
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            bool firstChannel = false, secondChannel = false;
            foreach (var i in members)
            {
                var b = p.Base(read, i, cycle); // A = 0, C = 1, G = 2, T = 3
                firstChannel |= b is 0 or 1;
                secondChannel |= b is 0 or 3;
            }
            var dark = (firstChannel, secondChannel) switch
            {
                (false, false) => "every index has G there, so neither colour channel has signal",
                (false, true) => "every index has G or T there, so one colour channel (the one that sees A and C) has no signal",
                (true, false) => "every index has C or G there, so one colour channel (the one that sees A and T) has no signal",
                _ => null,
            };
            if (dark is not null)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Index {read} cycle {cycle + 1}: {dark} on two-colour instruments (MiniSeq, NextSeq, NovaSeq)."));
            }
        }
    }

    private static string Names(List<string> ids)
    {
        var text = new StringBuilder(string.Join(", ", ids.Take(NamesShown)));
        if (ids.Count > NamesShown)
        {
            text.Append(CultureInfo.InvariantCulture, $" and {ids.Count - NamesShown} more");
        }
        return text.ToString();
    }
}
