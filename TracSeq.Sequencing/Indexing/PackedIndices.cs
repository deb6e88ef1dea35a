using System.Globalization;
using System.Numerics;

namespace TracSeq.Sequencing.Indexing;

/// <summary>
/// Every entry's indices packed two bits a base (A = 0, C = 1, G = 2, T = 3; base k at bits 2k and 2k+1), so an index of
/// at most 24 bases is one 64-bit word and a Hamming distance is an exclusive or and a population count. Length2 is 0
/// for a single-indexed entry.
/// </summary>
internal sealed class PackedIndices
{
    /// <summary>The low bit of every two-bit base.</summary>
    private const ulong LowBits = 0x5555_5555_5555_5555UL;

    private PackedIndices(int count)
    {
        Count = count;
        Code1 = new ulong[count];
        Length1 = new int[count];
        Code2 = new ulong[count];
        Length2 = new int[count];
    }

    public int Count { get; }
    public ulong[] Code1 { get; }
    public int[] Length1 { get; }
    public ulong[] Code2 { get; }
    public int[] Length2 { get; }

    public static PackedIndices From(IReadOnlyList<IndexEntry> entries)
    {
        var packed = new PackedIndices(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new ArgumentException($"entries[{i}] is null.", nameof(entries));
            var index1 = Validated(entry.Index1, i, "index1");
            (packed.Code1[i], packed.Length1[i]) = (Pack(index1), index1.Length);
            if (HasIndex2(entry))
            {
                var index2 = Validated(entry.Index2, i, "index2");
                (packed.Code2[i], packed.Length2[i]) = (Pack(index2), index2.Length);
            }
        }
        return packed;
    }

    /// <summary>An empty Index 2 is no Index 2 (single-indexed), as in a sample sheet's empty index2 column.</summary>
    public static bool HasIndex2(IndexEntry entry) => !string.IsNullOrEmpty(entry.Index2);

    /// <summary>The base (0–3) of entry i's index in <paramref name="read"/> at 0-based <paramref name="cycle"/>.</summary>
    public int Base(int read, int i, int cycle) => (int)(((read == 1 ? Code1[i] : Code2[i]) >> (2 * cycle)) & 3);

    /// <summary>The distances of entries i and j when they collide, otherwise null.</summary>
    public (int Index1, int? Index2)? Collide(int i, int j, (int Index1, int Index2) limits)
    {
        var d1 = Distance(Code1[i], Length1[i], Code1[j], Length1[j]);
        if (d1 > limits.Index1)
        {
            return null;
        }
        if (Length2[i] == 0 || Length2[j] == 0)
        {
            return (d1, null);
        }
        var d2 = Distance(Code2[i], Length2[i], Code2[j], Length2[j]);
        return d2 > limits.Index2 ? null : (d1, d2);
    }

    /// <summary>Hamming distance of two packed indices over the shorter length.</summary>
    public static int Distance(ulong a, int lengthA, ulong b, int lengthB)
    {
        var differ = a ^ b;
        differ = (differ | (differ >> 1)) & LowBits & Bases(Math.Min(lengthA, lengthB));
        return BitOperations.PopCount(differ);
    }

    /// <summary>The bits of the first <paramref name="length"/> bases (at most 24, so at most 48 bits).</summary>
    public static ulong Bases(int length) => (1UL << (2 * length)) - 1;

    private static string Validated(string? sequence, int i, string field) =>
        IndexSequence.IsValid(sequence)
            ? sequence!
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"entries[{i}].{field} must be {IndexSequence.MinLength}–{IndexSequence.MaxLength} bases of A, C, G, T."), "entries");

    private static ulong Pack(string sequence)
    {
        ulong code = 0;
        for (var k = 0; k < sequence.Length; k++)
        {
            ulong b = char.ToUpperInvariant(sequence[k]) switch { 'A' => 0, 'C' => 1, 'G' => 2, _ => 3 };
            code |= b << (2 * k);
        }
        return code;
    }
}
