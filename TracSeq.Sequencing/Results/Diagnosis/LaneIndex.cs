using System.Globalization;

namespace TracSeq.Sequencing.Results.Diagnosis;

/// <summary>
/// One lane's unknown barcodes in hash tables, built once in O(U + K + E): by (i7, i5) key, by i7, by i5, plus one table
/// per N pattern (at most <see cref="DemuxDiagnosis.MaxMasks"/>). Keys are the indices as sequenced, trimmed to the
/// shortest length on the lane (the cycles read, the libraries' and the reports' index lengths), so that an 8-base
/// library index meets a 10-base report; N in a report matches any base.
/// </summary>
internal sealed class LaneIndex
{
    /// <summary>Unknown barcodes that share a key once trimmed, summed.</summary>
    internal sealed class Agg(string index, string? index2)
    {
        public string Index { get; } = index;
        public string? Index2 { get; } = index2;
        public long Reads { get; set; }
        public string Display => Index2 is null ? Index : $"{Index}+{Index2}";
    }

    private readonly DemuxDiagnosis.Input _input;
    private readonly int _k1, _k2;
    private readonly long _laneReads;
    private readonly Dictionary<string, Agg> _pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, Agg>> _masked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Agg>> _byI7 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Agg>> _byI5 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Agg Hit, KitWell Well)> _unusedWellByKit = new(StringComparer.Ordinal);
    private (Agg Hit, KitWell Well)? _unusedWellAny;
    private readonly Dictionary<string, string> _kitI5 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KitWell> _wells = new(StringComparer.Ordinal);
    private readonly HashSet<string> _runPairs = new(StringComparer.Ordinal);

    public int Lane { get; }
    public bool HasI5 => _k2 > 0;

    public LaneIndex(DemuxDiagnosis.Input input, int lane, List<string> warnings)
    {
        (_input, Lane) = (input, lane);
        _laneReads = input.LaneReads.TryGetValue(lane, out var t) ? t : 0;
        var unknowns = input.Unknowns.Where(u => u.Lane == lane).ToList();
        (_k1, _k2) = KeyLengths(input.Reading, [.. input.Libraries.Where(l => l.Lane == lane)], unknowns);
        IndexUnknowns(unknowns, warnings);
        foreach (var l in input.Libraries)
        {
            if (Key(l.I7, DemuxDiagnosis.S5(input.Reading, l.I5)) is { } k)
            {
                _runPairs.Add(k);
            }
        }
        IndexKitWells();
    }

    /// <summary>The key lengths: the shortest of the cycles read and the lane's library and report indices (0: no i5 to compare).</summary>
    private static (int K1, int K2) KeyLengths(IndexReading reading, List<LaneLibrary> libraries, List<Import.UnknownBarcode> unknowns)
    {
        var k1 = new[] { reading.Index1Cycles > 0 ? reading.Index1Cycles : int.MaxValue }
            .Concat(libraries.Select(l => l.I7.Length)).Concat(unknowns.Select(u => u.Index.Length)).Min();
        var i5Lengths = libraries.Where(l => l.I5 is not null).Select(l => l.I5!.Length).ToList();
        var unknownI5 = unknowns.Where(u => u.Index2 is not null).Select(u => u.Index2!.Length).ToList();
        var k2 = reading.Index2Cycles == 0 || i5Lengths.Count == 0 || unknownI5.Count == 0 ? 0 : i5Lengths.Concat(unknownI5).Append(reading.Index2Cycles).Min();
        return (k1 == int.MaxValue ? 0 : k1, k2);
    }

    /// <summary>Sums the lane's unknown barcodes by key (those with N by N pattern) and lists the exact ones by each index, most-read first.</summary>
    private void IndexUnknowns(List<Import.UnknownBarcode> unknowns, List<string> warnings)
    {
        var ignoredMasks = 0L;
        foreach (var u in unknowns)
        {
            if (Key(u.Index, u.Index2) is not { } key)
            {
                continue;
            }
            if (key.Contains('N'))
            {
                ignoredMasks += AddMasked(key, u) ? 0 : u.Reads;
                continue;
            }
            var agg = Add(_pairs, key, u);
            if (agg.Reads == u.Reads)   // first time this key is seen: list it by each index
            {
                ListBy(_byI7, key[.._k1], agg);
                if (_k2 > 0 && u.Index2 is not null)
                {
                    ListBy(_byI5, key[(_k1 + 1)..], agg);
                }
            }
        }
        if (ignoredMasks > 0)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"Lane {Lane}: unknown barcodes with more than {DemuxDiagnosis.MaxMasks} different N patterns ({ignoredMasks} reads) were not matched."));
        }
        foreach (var list in _byI7.Values.Concat(_byI5.Values))
        {
            list.Sort((a, b) => b.Reads.CompareTo(a.Reads));
        }
    }

    /// <summary>Adds a barcode with N to its pattern's table; false when the table would be one pattern too many.</summary>
    private bool AddMasked(string key, Import.UnknownBarcode u)
    {
        var mask = MaskOf(key);
        if (!_masked.TryGetValue(mask, out var table))
        {
            if (_masked.Count >= DemuxDiagnosis.MaxMasks)
            {
                return false;
            }
            _masked[mask] = table = new(StringComparer.Ordinal);
        }
        Add(table, key, u);
        return true;
    }

    /// <summary>Every kit well by key and each kit's i5s; for R4, the most-read pair of a well no library of the run has.</summary>
    private void IndexKitWells()
    {
        foreach (var well in _input.KitWells)
        {
            var s5 = DemuxDiagnosis.S5(_input.Reading, well.I5);
            if (s5 is not null && _k2 > 0 && s5.Length >= _k2)
            {
                _kitI5.TryAdd(s5[.._k2], well.Kit);
            }
            if (Key(well.I7, s5) is not { } key)
            {
                continue;
            }
            _wells.TryAdd(key, well);
            if (_runPairs.Contains(key) || !_pairs.TryGetValue(key, out var hit))
            {
                continue;
            }
            if (!_unusedWellByKit.TryGetValue(well.Kit, out var best) || best.Hit.Reads < hit.Reads)
            {
                _unusedWellByKit[well.Kit] = (hit, well);
            }
            if (_unusedWellAny is not { } any || any.Hit.Reads < hit.Reads)
            {
                _unusedWellAny = (hit, well);
            }
        }
    }

    /// <summary>The trimmed key of a pair as sequenced, or null when an index is too short (or missing) to compare.</summary>
    private string? Key(string i7, string? s5)
    {
        if (_k1 == 0 || i7.Length < _k1)
        {
            return null;
        }
        if (_k2 == 0)
        {
            return i7[.._k1] + "|";
        }
        return s5 is null || s5.Length < _k2 ? null : string.Concat(i7.AsSpan(0, _k1), "|", s5.AsSpan(0, _k2));
    }

    private static string MaskOf(string key) => new(key.Select(c => c == 'N' ? 'N' : '.').ToArray());

    private static string Apply(string mask, string key)
    {
        var chars = key.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (mask[i] == 'N')
            {
                chars[i] = 'N';
            }
        }
        return new string(chars);
    }

    private static Agg Add(Dictionary<string, Agg> table, string key, Import.UnknownBarcode u)
    {
        if (!table.TryGetValue(key, out var agg))
        {
            table[key] = agg = new Agg(u.Index, u.Index2);
        }
        agg.Reads += u.Reads;
        return agg;
    }

    private static void ListBy(Dictionary<string, List<Agg>> table, string key, Agg agg)
    {
        if (!table.TryGetValue(key, out var list))
        {
            table[key] = list = [];
        }
        list.Add(agg);
    }

    /// <summary>The unknown barcode with exactly this pair (N in the report matching any base), or null.</summary>
    public Agg? Find(string i7, string? s5)
    {
        if (Key(i7, s5) is not { } key)
        {
            return null;
        }
        if (_pairs.TryGetValue(key, out var exact))
        {
            return exact;
        }
        foreach (var (mask, table) in _masked)
        {
            if (mask.Length == key.Length && table.TryGetValue(Apply(mask, key), out var hit))
            {
                return hit;
            }
        }
        return null;
    }

    /// <summary>R4: the most-read pair of a kit well no library of the run has; the library's own kit first.</summary>
    public (Agg Hit, KitWell Well)? UnusedWell(string? kit, List<(string I7, string? S5)> runPairs) =>
        kit is not null && _unusedWellByKit.TryGetValue(kit, out var own) ? own : _unusedWellAny;

    /// <summary>R5: this i7 with an i5 that belongs to another kit.</summary>
    public (Agg Hit, string Kit)? OtherKitI5(string i7, string? ownKit, string s5)
    {
        if (_k1 == 0 || i7.Length < _k1 || !_byI7.TryGetValue(i7[.._k1], out var list))
        {
            return null;
        }
        var own = s5.Length >= _k2 ? s5[.._k2] : s5;
        foreach (var agg in list)
        {
            if (agg.Index2 is { } i5 && i5.Length >= _k2 && i5[.._k2] is var k5 && k5 != own && _kitI5.TryGetValue(k5, out var kit) && kit != ownKit)
            {
                return (agg, kit);
            }
        }
        return null;
    }

    /// <summary>The most-read unknown with this i7 that satisfies <paramref name="test"/> (R6).</summary>
    public Agg? WithI7(string i7, Func<Agg, bool> test) =>
        _k1 > 0 && i7.Length >= _k1 && _byI7.TryGetValue(i7[.._k1], out var list) ? list.FirstOrDefault(test) : null;

    /// <summary>The most-read unknown with this i5 that satisfies <paramref name="test"/> (R7).</summary>
    public Agg? WithI5(string s5, Func<Agg, bool> test) =>
        _k2 > 0 && s5.Length >= _k2 && _byI5.TryGetValue(s5[.._k2], out var list) ? list.FirstOrDefault(test) : null;

    /// <summary>R8: each index shifted one base left or right (the base shifted in any of A, C, G, T), the other as it is.</summary>
    public (Agg Hit, string Form, string? I7, string? S5)? Shifted(string i7, string? s5)
    {
        foreach (var (variant, direction) in Shifts(i7))
        {
            if (Find(variant, s5) is { } hit)
            {
                return (hit, $"(i7 shifted {direction}, i5)", Trim(variant, i7.Length), null);
            }
        }
        if (s5 is not null && HasI5)
        {
            foreach (var (variant, direction) in Shifts(s5))
            {
                if (Find(i7, variant) is { } hit)
                {
                    return (hit, $"(i7, i5 shifted {direction})", null, Trim(variant, s5.Length));
                }
            }
        }
        return null;
    }

    private static string Trim(string s, int length) => s.Length > length ? s[..length] : s;

    private static IEnumerable<(string, string)> Shifts(string s)
    {
        foreach (var b in "ACGT")
        {
            yield return (s[1..] + b, "left");
            yield return (b + s[..^1], "right");
        }
    }

    /// <summary>Every unknown barcode (or group) of at least 1 % of the lane that no weak library's finding explains.</summary>
    public IEnumerable<Finding> ExplainSignificant(HashSet<Agg> explained)
    {
        if (_laneReads <= 0)
        {
            yield break;
        }
        var known = KnownPairs();
        var threshold = DemuxDiagnosis.SignificantShare * _laneReads;
        var (hoppedReads, hoppedCount) = (0L, 0);
        var kitGroups = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, agg) in _pairs.Concat(_masked.Values.SelectMany(t => t)))
        {
            if (explained.Contains(agg) || known.LanePairs.Contains(key))
            {
                continue;
            }
            var verdict = Explain(key, agg, agg.Reads >= threshold, known);
            if (verdict.Finding is { } finding)
            {
                yield return finding;
            }
            else if (verdict.Hopped)
            {
                (hoppedReads, hoppedCount) = (hoppedReads + agg.Reads, hoppedCount + 1);
            }
            else if (verdict.Kit is { } kit)
            {
                kitGroups[kit] = kitGroups.GetValueOrDefault(kit) + agg.Reads;
            }
        }
        foreach (var group in GroupFindings(threshold, hoppedReads, hoppedCount, kitGroups))
        {
            yield return group;
        }
    }

    /// <summary>The pairs an unknown barcode may be: this lane's libraries (whole and by each index), other lanes', other pools'.</summary>
    private sealed record Known(
        Dictionary<string, LaneLibrary> I7s, Dictionary<string, LaneLibrary> I5s, HashSet<string> LanePairs,
        Dictionary<string, ElsewhereLibrary> Elsewhere, Dictionary<string, LaneLibrary> OtherLanes);

    /// <summary>What one unknown barcode is: a finding when significant, or else (hopped, a kit's well) reads for a group.</summary>
    private readonly record struct Verdict(Finding? Finding, bool Hopped = false, string? Kit = null);

    private Known KnownPairs()
    {
        var reading = _input.Reading;
        var lane = _input.Libraries.Where(l => l.Lane == Lane).ToList();
        var i7s = new Dictionary<string, LaneLibrary>(StringComparer.Ordinal);
        var i5s = new Dictionary<string, LaneLibrary>(StringComparer.Ordinal);
        foreach (var l in lane)
        {
            if (_k1 > 0 && l.I7.Length >= _k1)
            {
                i7s.TryAdd(l.I7[.._k1], l);
            }
            if (_k2 > 0 && DemuxDiagnosis.S5(reading, l.I5) is { } s5 && s5.Length >= _k2)
            {
                i5s.TryAdd(s5[.._k2], l);
            }
        }
        var lanePairs = lane.Select(l => Key(l.I7, DemuxDiagnosis.S5(reading, l.I5))).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return new Known(i7s, i5s, lanePairs, ByPair(_input.Elsewhere, e => (e.I7, e.I5)),
            ByPair(_input.Libraries.Where(l => l.Lane != Lane), l => (l.I7, l.I5)));
    }

    /// <summary>The items by their trimmed pair key, the first of each key kept.</summary>
    private Dictionary<string, T> ByPair<T>(IEnumerable<T> items, Func<T, (string I7, string? I5)> pair)
    {
        var byPair = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (i7, i5) = pair(item);
            if (Key(i7, DemuxDiagnosis.S5(_input.Reading, i5)) is { } k)
            {
                byPair.TryAdd(k, item);
            }
        }
        return byPair;
    }

    private Verdict Explain(string key, Agg agg, bool significant, Known known)
    {
        var k5 = _k2 > 0 ? key[(_k1 + 1)..] : null;
        if (k5 is not null && known.I7s.TryGetValue(key[.._k1], out var a) && known.I5s.TryGetValue(k5, out var b) && a.LibraryId != b.LibraryId)
        {
            return significant
                ? new(Significant(FindingLabels.Hopped, agg, null, null,
                    $"i7 of {a.Barcode} with i5 of {b.Barcode}: index hopping or a contaminated well, not a sheet error."))
                : new(null, Hopped: true);
        }
        if (known.Elsewhere.TryGetValue(key, out var other))
        {
            return new(significant ? Significant(FindingLabels.WrongPool, agg, null, null,
                    $"The indices of {other.Barcode} (pool {other.Pool}), which is not on this lane: was the wrong pool loaded, or that library mixed in?")
                with { LibraryBarcode = other.Barcode } : null);
        }
        if (known.OtherLanes.TryGetValue(key, out var neighbour))
        {
            return new(significant ? Significant(FindingLabels.NotOnSheet, agg, null, neighbour.Lane,
                    $"The indices of {neighbour.Barcode}, which the sheet puts on lane {neighbour.Lane}, not this one.")
                with { LibraryId = neighbour.LibraryId, LibraryBarcode = neighbour.Barcode } : null);
        }
        if (_wells.TryGetValue(key, out var well))
        {
            return significant
                ? new(Significant(FindingLabels.NotOnSheet, agg, new FindingKit(well.Kit, well.Well), null,
                    $"Well {well.Well} of {well.Kit}, which no library of this lane has: a library missing from the sheet?"))
                : new(null, Kit: well.Kit);
        }
        return new(!significant ? null
            : Barcodes.IsPolyG(agg.Index) && (agg.Index2 is null || Barcodes.IsAdapterI5(agg.Index2))
                ? Significant(FindingLabels.NoIndexSignature, agg, null, null, "Reads without an index (PhiX or adapter dimers): informational.")
                : Significant(FindingLabels.Unexplained, agg, null, null, "No library, kit well or known signature has this barcode."));
    }

    /// <summary>Hopped pairs and unused kit wells each too small alone, reported together when they reach the threshold.</summary>
    private IEnumerable<Finding> GroupFindings(double threshold, long hoppedReads, int hoppedCount, Dictionary<string, long> kitGroups)
    {
        if (hoppedReads >= threshold)
        {
            yield return new Finding(FindingLabels.Hopped, null, Lane, null, null, null, null, hoppedReads, null, null,
                string.Create(CultureInfo.InvariantCulture,
                    $"{hoppedCount} hopped pairs of this lane's libraries, {DemuxDiagnosis.Pct((double)hoppedReads / _laneReads)} of the lane together."))
            { Form = "group" };
        }
        foreach (var (kit, reads) in kitGroups.Where(g => g.Value >= threshold))
        {
            yield return new Finding(FindingLabels.NotOnSheet, null, Lane, null, null, null, null, reads, new FindingKit(kit, null), null,
                $"Wells of {kit} that no library of this lane has hold {DemuxDiagnosis.Pct((double)reads / _laneReads)} of the lane together: " +
                "libraries missing from the sheet?")
            { Form = "group" };
        }
    }

    private Finding Significant(string label, Agg agg, FindingKit? kit, int? otherLane, string fix) =>
        new(label, null, Lane, null, null, agg.Index, agg.Index2, agg.Reads, kit, otherLane,
            $"{agg.Display} ({DemuxDiagnosis.Pct((double)agg.Reads / _laneReads)} of lane {Lane.ToString(CultureInfo.InvariantCulture)}): {fix}");
}
